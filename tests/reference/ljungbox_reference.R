# ljungbox_reference.R: stats::Box.test(type = "Ljung-Box") on fixed residual
# series, the reference for cc_model_ljung_box (tests/unit/test_model.c).
# Run from the repository root: Rscript tests/reference/ljungbox_reference.R
# Writes fixtures/ljungbox_series.csv (case,t,value) and fixtures/ljungbox.csv
# (case,lag,fitdf,statistic,p_value). Missing values: R's Box.test does not take
# them, so the cases with NA use acf(na.action = na.pass) to build the same statistic.
set.seed(20251201)
cases <- list(
  white = rnorm(120), ar = as.numeric(arima.sim(list(ar = 0.4), 100)), short = rnorm(25),
  seasonal = rnorm(96) + rep(c(1, -1, 0, 0), 24), heavy = rt(150, 3),
  with_na = { x <- rnorm(80); x[c(5, 30, 31)] <- NA; x }
)
settings <- list(c(10, 0), c(24, 3), c(8, 2), c(20, 5))
series <- do.call(rbind, lapply(names(cases), function(k) data.frame(case = k, t = seq_along(cases[[k]]), value = cases[[k]])))
ljung <- function(x, lag, fitdf) {
  n <- sum(!is.na(x))
  r <- acf(x, lag.max = lag, plot = FALSE, na.action = na.pass)$acf[-1]
  stat <- n * (n + 2) * sum(r^2 / (n - seq_len(lag)))
  c(stat, pchisq(stat, lag - fitdf, lower.tail = FALSE))
}
rows <- do.call(rbind, lapply(names(cases), function(k) do.call(rbind, lapply(settings, function(s) {
  x <- cases[[k]]
  if (anyNA(x)) v <- ljung(x, s[1], s[2]) else { b <- Box.test(x, lag = s[1], type = "Ljung-Box", fitdf = s[2]); v <- c(b$statistic, b$p.value) }
  data.frame(case = k, lag = s[1], fitdf = s[2], statistic = as.numeric(v[1]), p_value = as.numeric(v[2]))
}))))
dir.create("tests/reference/fixtures", showWarnings = FALSE, recursive = TRUE)
write.csv(series, "tests/reference/fixtures/ljungbox_series.csv", row.names = FALSE, quote = FALSE)
write.csv(rows, "tests/reference/fixtures/ljungbox.csv", row.names = FALSE, quote = FALSE)
print(head(rows))
