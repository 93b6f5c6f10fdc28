# unitroot_reference.R: urca::ur.kpss statistics and forecast::ndiffs (KPSS)
# for src/ts/unitroot.c (tests/unit/test_unitroot.c). Run from the repository
# root: Rscript tests/reference/unitroot_reference.R
# Writes fixtures/unitroot_series.csv (case,t,value) and fixtures/unitroot.csv
# (case,lags,statistic,ndiffs).
suppressMessages({library(forecast); library(urca)})
data_dir <- Sys.getenv("CARECAST_REF_DATA", "/work/shared/data")
m3 <- function(file, id) { d <- read.csv(file.path(data_dir, "m3", file)); d <- d[d$series_id == id & d$split == "train", ]; d$value[order(d$t)] }
set.seed(20251130)
cases <- list(
  m3_N0156 = m3("m3_yearly.csv", "N0156"), m3_N0874 = m3("m3_quarterly.csv", "N0874"),
  m3_N2088 = m3("m3_monthly.csv", "N2088"), m3_N1893 = m3("m3_monthly.csv", "N1893"),
  m3_N2853 = m3("m3_other.csv", "N2853"), m3_N0001 = m3("m3_yearly.csv", "N0001"),
  white_noise = rnorm(100), ar1 = as.numeric(arima.sim(list(ar = 0.7), 120)),
  random_walk = cumsum(rnorm(150)), random_walk_drift = cumsum(rnorm(80, 0.5)),
  integrated_2 = cumsum(cumsum(rnorm(100))), trend_noise = 1:60 + rnorm(60, 0, 5),
  short = c(3, 5, 4, 6, 8, 7, 9), seasonal_ar = as.numeric(arima.sim(list(ar = 0.5), 96)) + rep(sin(2 * pi * (1:12) / 12), 8) * 3,
  near_unit = as.numeric(arima.sim(list(ar = 0.95), 200)), level_shift = c(rnorm(50), rnorm(50, 4)),
  with_na = { x <- cumsum(rnorm(90)); x[c(10, 40, 41)] <- NA; x }, counts = rpois(80, 12),
  growth = exp(cumsum(rnorm(70, 0.02, 0.03))) * 100, ma1 = as.numeric(arima.sim(list(ma = -0.8), 100))
)
series <- do.call(rbind, lapply(names(cases), function(k) data.frame(case = k, t = seq_along(cases[[k]]), value = cases[[k]])))
results <- do.call(rbind, lapply(names(cases), function(k) {
  x <- na.omit(cases[[k]]); lags <- trunc(3 * sqrt(length(x)) / 13)
  data.frame(case = k, lags = lags, statistic = ur.kpss(x, type = "mu", use.lag = lags)@teststat[1], ndiffs = ndiffs(cases[[k]], test = "kpss"))
}))
dir.create("tests/reference/fixtures", showWarnings = FALSE, recursive = TRUE)
write.csv(series, "tests/reference/fixtures/unitroot_series.csv", row.names = FALSE, quote = FALSE)
write.csv(results, "tests/reference/fixtures/unitroot.csv", row.names = FALSE, quote = FALSE)
print(results)
