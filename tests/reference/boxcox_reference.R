# boxcox_reference.R: R's Box-Cox lambda (Guerrero) and forecasts of ETS models
# fitted on Box-Cox transformed data, with and without bias adjustment: the
# reference for src/ts/boxcox.c and the back-transformation in src/ts/forecast.c
# (tests/unit/test_boxcox.c). Run from the repository root:
#   Rscript tests/reference/boxcox_reference.R
# Reads M3 from $CARECAST_REF_DATA (default /work/shared/data). Writes
#   fixtures/boxcox_series.csv    case,period,t,value
#   fixtures/boxcox_lambda.csv    case,lower,lambda       (BoxCox.lambda(y, lower = lower))
#   fixtures/boxcox_forecast.csv  case,model,lambda,biasadj,h,mean,lo80,hi80,lo95,hi95
suppressMessages(library(forecast))
data_dir <- Sys.getenv("CARECAST_REF_DATA", "/work/shared/data")
m3 <- function(file, id) {
  d <- read.csv(file.path(data_dir, "m3", file))
  d <- d[d$series_id == id & d$split == "train", ]
  ts(d$value[order(d$t)], frequency = d$frequency[1])
}
set.seed(20251129)
cases <- list(
  yearly_N0156 = m3("m3_yearly.csv", "N0156"),
  quarterly_N0874 = m3("m3_quarterly.csv", "N0874"),
  monthly_N2088 = m3("m3_monthly.csv", "N2088"),
  monthly_N1893 = m3("m3_monthly.csv", "N1893"),
  other_N2853 = m3("m3_other.csv", "N2853"),
  sim_growth = ts(exp(seq(3, 5, length.out = 60) + rnorm(60, 0, 0.05)) * (1 + 0.3 * sin(2 * pi * (1:60) / 12)), frequency = 12),
  sim_level = ts(100 + cumsum(rnorm(40, 0, 3)), frequency = 1),
  sim_quarterly = ts(50 + 10 * rep(c(1, -1, 0.5, -0.5), 10) + rnorm(40, 0, 2) + (1:40), frequency = 4),
  sim_with_zero = ts(c(0, pmax(0, round(20 + cumsum(rnorm(47, 0, 2))))), frequency = 12),
  sim_short = ts(c(12, 15, 14, 18, 17, 21, 19, 24), frequency = 4),
  sim_variance = ts(exp(rnorm(72, 4, 0.1 + (1:72) / 100)), frequency = 12),
  sim_annual = ts(round(500 * 1.03^(1:30) * exp(rnorm(30, 0, 0.04))), frequency = 1)
)
series <- do.call(rbind, lapply(names(cases), function(k) data.frame(case = k, period = frequency(cases[[k]]),
  t = seq_along(cases[[k]]), value = as.numeric(cases[[k]]))))
lambdas <- do.call(rbind, lapply(names(cases), function(k) do.call(rbind, lapply(c(-1, -0.9), function(lo)
  data.frame(case = k, lower = lo, lambda = as.numeric(BoxCox.lambda(cases[[k]], lower = lo)))))))
fits <- list(c("yearly_N0156", "AAN", 0.5), c("quarterly_N0874", "ANA", 0), c("monthly_N2088", "ANA", 0.3),
             c("sim_growth", "AAA", 0), c("sim_level", "ANN", 1.5), c("sim_annual", "AAdN", 0.2))
forecasts <- do.call(rbind, lapply(fits, function(f) do.call(rbind, lapply(c(FALSE, TRUE), function(adj) {
  y <- cases[[f[1]]]
  fit <- ets(y, model = sub("d", "", f[2]), damped = grepl("d", f[2]), lambda = as.numeric(f[3]), biasadj = adj)
  h <- if (frequency(y) > 1) 2 * frequency(y) else 8
  fc <- forecast(fit, h = h, level = c(80, 95), biasadj = adj)
  data.frame(case = f[1], model = f[2], lambda = as.numeric(f[3]), biasadj = as.integer(adj), h = 1:h,
             mean = as.numeric(fc$mean), lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
             lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]))
}))))
dir.create("tests/reference/fixtures", showWarnings = FALSE, recursive = TRUE)
write.csv(series, "tests/reference/fixtures/boxcox_series.csv", row.names = FALSE, quote = FALSE)
write.csv(lambdas, "tests/reference/fixtures/boxcox_lambda.csv", row.names = FALSE, quote = FALSE)
write.csv(forecasts, "tests/reference/fixtures/boxcox_forecast.csv", row.names = FALSE, quote = FALSE)
cat("forecast", as.character(packageVersion("forecast")), ":", nrow(lambdas), "lambdas,", nrow(forecasts), "forecast rows\n")
