# intermittent_reference.R: reference forecasts from R's forecast package
# (8.20) for Croston's method, forecast::croston().
#
# Run from anywhere:   Rscript tests/reference/intermittent_reference.R
# Writes, next to this script:
#   fixtures/intermittent_series.csv   case,alpha,t,value   (the inputs; alpha the smoothing constant used)
#   fixtures/intermittent_croston.csv  case,h,mean          (croston(x, h = 12, alpha = alpha)$mean)
#   fixtures/intermittent_fitted.csv   case,t,fitted        (croston(...)$fitted; NA at t = 1)
# which tests/unit/test_intermittent.c compares carecast's "croston" against
# (and, through the closed form Croston x (1 - alpha / 2), "sba").
#
# The series are simulated with set.seed: each period has a demand with
# probability p (Bernoulli), and a demand's size is 1 + Poisson or 1 +
# negative binomial (sizes are counts of at least one). They cover dense and
# sparse series, smooth and lumpy sizes, leading zeros, a long run of zeros
# in the middle and at the end, one and two demands only, sizes all 1, a
# short series, alpha other than 0.1, and a series of zeros only (R's croston
# forecasts 0 there). None of the competition data in /work/shared/data is
# intermittent (M3 and tourism are aggregated and mostly positive), so all
# cases are simulated. R's croston cannot take missing values (x[x > 0]
# keeps the NAs), so there are none here; the C test checks carecast's
# treatment of missing values against the series with those periods removed.
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(script_arg)) dirname(normalizePath(sub("^--file=", "", script_arg))) else "."
out_dir <- file.path(here, "fixtures")
dir.create(out_dir, showWarnings = FALSE)

horizon <- 12

# n periods, demand probability p, sizes 1 + Poisson(mu - 1) or, with
# dispersion k, 1 + negative binomial(size = k, mu = mu - 1).
simulate <- function(n, p, mu, k = NULL) {
  occurs <- rbinom(n, 1, p)
  sizes <- if (is.null(k)) 1 + rpois(n, mu - 1) else 1 + rnbinom(n, size = k, mu = mu - 1)
  occurs * sizes
}

set.seed(20240501)
cases <- list(
  list(name = "dense_poisson", alpha = 0.1, x = simulate(60, 0.8, 4)),
  list(name = "half_poisson", alpha = 0.1, x = simulate(60, 0.5, 3)),
  list(name = "sparse_nbinom", alpha = 0.1, x = simulate(72, 0.3, 5, k = 1.5)),
  list(name = "very_sparse", alpha = 0.1, x = simulate(120, 0.1, 2)),
  list(name = "leading_zeros", alpha = 0.1, x = c(rep(0, 10), simulate(40, 0.4, 3))),
  list(name = "long_zero_run", alpha = 0.1, x = c(simulate(30, 0.5, 3), rep(0, 30), simulate(20, 0.5, 3))),
  list(name = "trailing_zeros", alpha = 0.1, x = c(simulate(36, 0.4, 2.5), rep(0, 24))),
  list(name = "lumpy_nbinom", alpha = 0.1, x = simulate(96, 0.2, 9, k = 0.5)),
  list(name = "sizes_one", alpha = 0.1, x = rbinom(48, 1, 0.35)),
  list(name = "short", alpha = 0.1, x = c(0, 2, 0, 0, 1, 3, 0, 0)),
  list(name = "one_demand", alpha = 0.1, x = c(0, 0, 0, 4, 0, 0, 0, 0, 0)),
  list(name = "last_period_only", alpha = 0.1, x = c(rep(0, 11), 2)),
  list(name = "two_demands", alpha = 0.1, x = c(0, 0, 5, 0, 0, 0, 0, 2, 0, 0)),
  list(name = "alpha_0.25", alpha = 0.25, x = simulate(60, 0.35, 3, k = 2)),
  list(name = "alpha_0.5", alpha = 0.5, x = simulate(48, 0.25, 4)),
  list(name = "alpha_1", alpha = 1, x = simulate(40, 0.4, 3)),
  list(name = "monthly_ts", alpha = 0.1, x = ts(simulate(84, 0.3, 2), frequency = 12, start = c(2015, 4))),
  list(name = "all_zero", alpha = 0.1, x = rep(0, 24))
)
for (k in seq_along(cases[-length(cases)])) stopifnot(sum(cases[[k]]$x > 0) >= 1)

series_rows <- list()
forecast_rows <- list()
fitted_rows <- list()
for (c in cases) {
  x <- c$x
  fc <- croston(x, h = horizon, alpha = c$alpha)
  n <- length(x)
  series_rows[[c$name]] <- data.frame(case = c$name, alpha = c$alpha, t = seq_len(n), value = as.numeric(x))
  forecast_rows[[c$name]] <- data.frame(case = c$name, h = seq_len(horizon), mean = sprintf("%.17g", as.numeric(fc$mean)))
  fitted_rows[[c$name]] <- data.frame(case = c$name, t = seq_len(n), fitted = ifelse(is.na(fc$fitted), "NA", sprintf("%.17g", as.numeric(fc$fitted))))
}

write_fixture <- function(rows, file) {
  d <- do.call(rbind, rows)
  write.csv(d, file.path(out_dir, file), row.names = FALSE, quote = FALSE, na = "NA")
}
write_fixture(series_rows, "intermittent_series.csv")
write_fixture(forecast_rows, "intermittent_croston.csv")
write_fixture(fitted_rows, "intermittent_fitted.csv")
cat(sprintf("%d cases written to %s\n", length(cases), out_dir))
