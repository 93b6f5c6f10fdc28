# arima_reference.R: reference fits and forecasts from R's forecast package
# (8.20) for seasonal ARIMA models with fixed orders, forecast::Arima() with
# its default method = "CSS-ML" (stats::arima underneath).
#
# Run from anywhere:   Rscript tests/reference/arima_reference.R [M3_DIR]
# M3_DIR defaults to /work/shared/data/m3 (see its README for the format).
# Writes, next to this script:
#   fixtures/arima_series.csv    case,period,t,value            (the inputs; NA = missing)
#   fixtures/arima_fits.csv      case,constant,p,d,q,P,D,Q,period,names,values,sigma2,loglik,aicc
#                                (constant: none, mean or drift; names and values of the
#                                 coefficients space-separated, in R's order)
#   fixtures/arima_forecast.csv  case,h,mean,lo80,hi80,lo95,hi95
# which tests/unit/test_arima.c compares carecast against.
#
# Series: M3 training parts and processes simulated with arima.sim() under
# fixed seeds. sigma2 is forecast::Arima's (sum of squared residuals over
# nstar - npar + 1), the one its intervals use; loglik is stats::arima's.
# Series with missing values are fitted by R with method "ML" (stats::arima
# switches from CSS-ML when there are NAs).
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

args <- commandArgs(trailingOnly = TRUE)
m3_dir <- if (length(args) >= 1) args[1] else Sys.getenv("CARECAST_REF_DATA", "/work/shared/data/m3")
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(script_arg)) dirname(normalizePath(sub("^--file=", "", script_arg))) else "."
out_dir <- file.path(here, "fixtures")
dir.create(out_dir, showWarnings = FALSE)

m3_cache <- list()
m3_series <- function(file, id) {
  if (is.null(m3_cache[[file]])) m3_cache[[file]] <<- read.csv(file.path(m3_dir, file), stringsAsFactors = FALSE)
  d <- m3_cache[[file]]
  d <- d[d$series_id == id & d$split == "train", ]
  d <- d[order(d$t), ]
  ts(d$value, frequency = d$frequency[1])
}

simulated <- function(seed, model, n, period = 1, offset = 0, na_at = integer(0)) {
  set.seed(seed)
  x <- as.numeric(arima.sim(model, n = n)) + offset
  x[na_at] <- NA
  ts(x, frequency = period)
}

# case name, series, non-seasonal order, seasonal order, constant ("none", "mean", "drift")
cases <- list(
  list("sim_ima011", simulated(101, list(order = c(0, 1, 1), ma = -0.6), 120, offset = 100), c(0, 1, 1), c(0, 0, 0), "none"),
  list("sim_ari110", simulated(102, list(order = c(1, 1, 0), ar = 0.6), 100, offset = 50), c(1, 1, 0), c(0, 0, 0), "none"),
  list("sim_arma201_mean", simulated(103, list(ar = c(0.5, -0.3), ma = 0.4), 150, offset = 50), c(2, 0, 1), c(0, 0, 0), "mean"),
  list("sim_sar100_100_4", simulated(104, list(ar = c(0.5, 0, 0, 0.4, -0.2)), 120, period = 4, offset = 20),
       c(1, 0, 0), c(1, 0, 0), "mean"),
  list("sim_ari110_drift", simulated(105, list(order = c(1, 1, 0), ar = 0.3), 100, offset = 0) + 0.5 * (1:101),
       c(1, 1, 0), c(0, 0, 0), "drift"),
  list("sim_arima111_na", simulated(106, list(order = c(1, 1, 1), ar = 0.5, ma = 0.3), 110, offset = 30,
                                    na_at = c(20, 21, 57, 90)), c(1, 1, 1), c(0, 0, 0), "none"),
  list("sim_ar1_mean_na", simulated(107, list(ar = 0.7), 100, offset = 10, na_at = c(5, 50, 51, 52)),
       c(1, 0, 0), c(0, 0, 0), "mean"),
  list("sim_arma11_mean", simulated(108, list(ar = -0.4, ma = 0.5), 80, offset = -3), c(1, 0, 1), c(0, 0, 0), "mean"),
  list("m3_monthly_N1679_airline", m3_series("m3_monthly.csv", "N1679"), c(0, 1, 1), c(0, 1, 1), "none"),
  list("m3_monthly_N2000_airline", m3_series("m3_monthly.csv", "N2000"), c(0, 1, 1), c(0, 1, 1), "none"),
  list("m3_monthly_N1800_101_011", m3_series("m3_monthly.csv", "N1800"), c(1, 0, 1), c(0, 1, 1), "drift"),
  list("m3_quarterly_N0866_011_011", m3_series("m3_quarterly.csv", "N0866"), c(0, 1, 1), c(0, 1, 1), "none"),
  list("m3_quarterly_N0900_100_100", m3_series("m3_quarterly.csv", "N0900"), c(1, 0, 0), c(1, 0, 0), "mean"),
  list("m3_yearly_N0100_011_drift", m3_series("m3_yearly.csv", "N0100"), c(0, 1, 1), c(0, 0, 0), "drift"),
  list("m3_yearly_N0200_110", m3_series("m3_yearly.csv", "N0200"), c(1, 1, 0), c(0, 0, 0), "none"),
  list("m3_other_N2830_212", m3_series("m3_other.csv", "N2830"), c(2, 1, 2), c(0, 0, 0), "none"),
  list("m3_other_N2900_011", m3_series("m3_other.csv", "N2900"), c(0, 1, 1), c(0, 0, 0), "drift")
)

series_rows <- list()
fit_rows <- list()
forecast_rows <- list()
for (cs in cases) {
  name <- cs[[1]]; x <- cs[[2]]; order <- cs[[3]]; sorder <- cs[[4]]; constant <- cs[[5]]
  period <- frequency(x)
  fit <- tryCatch(Arima(x, order = order, seasonal = list(order = sorder, period = period),
                        include.mean = constant == "mean", include.drift = constant == "drift"),
                  error = function(e) { message(name, ": ", conditionMessage(e)); NULL })
  if (is.null(fit)) next
  series_rows[[name]] <- data.frame(case = name, period = period, t = seq_along(x), value = as.numeric(x))
  fit_rows[[name]] <- data.frame(case = name, constant = constant, p = order[1], d = order[2], q = order[3],
                                 P = sorder[1], D = sorder[2], Q = sorder[3], period = period,
                                 names = paste(names(coef(fit)), collapse = " "),
                                 values = paste(sprintf("%.10g", coef(fit)), collapse = " "),
                                 sigma2 = sprintf("%.10g", fit$sigma2), loglik = sprintf("%.10g", fit$loglik),
                                 aicc = sprintf("%.10g", fit$aicc))
  h <- if (period > 1) 2 * period else 10
  fc <- forecast(fit, h = h, level = c(80, 95))
  forecast_rows[[name]] <- data.frame(case = name, h = 1:h, mean = sprintf("%.10g", fc$mean),
                                      lo80 = sprintf("%.10g", fc$lower[, 1]), hi80 = sprintf("%.10g", fc$upper[, 1]),
                                      lo95 = sprintf("%.10g", fc$lower[, 2]), hi95 = sprintf("%.10g", fc$upper[, 2]))
}
write.csv(do.call(rbind, series_rows), file.path(out_dir, "arima_series.csv"), row.names = FALSE, quote = FALSE, na = "NA")
write.csv(do.call(rbind, fit_rows), file.path(out_dir, "arima_fits.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, forecast_rows), file.path(out_dir, "arima_forecast.csv"), row.names = FALSE, quote = FALSE)
cat("arima reference:", length(fit_rows), "cases\n")
