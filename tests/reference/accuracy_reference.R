# accuracy_reference.R: reference values from R's forecast package (8.20)
# for the evaluation module (src/eval/accuracy.c, src/eval/backtest.c).
#
# Run from anywhere:   Rscript tests/reference/accuracy_reference.R [M3_DIR]
# M3_DIR defaults to /work/shared/data/m3 (see its README for the format).
# Writes, next to this script, in fixtures/:
#   accuracy_series.csv     case,period,split,t,value
#       the inputs: M3 series split into their M3 train and test parts, and
#       short series for tsCV (split "all"); NA = missing.
#   accuracy_forecasts.csv  case,method,h,mean,lo80,hi80,lo95,hi95
#       R's forecasts of each test part, which the C test scores itself.
#   accuracy_measures.csv   case,method,n_test,ME,RMSE,MAE,MASE,scale,sMAPE,cov80,cov95,pinball
#       ME, RMSE, MAE, MASE: forecast::accuracy(fc, test)["Test set", ]
#       (forecast 8.20, testaccuracy()); scale is the MASE denominator
#       MAE / MASE. sMAPE, cov80, cov95, pinball are NOT from a package: they
#       are written out here from their definitions (M4's smape_cal; share of
#       actuals in [lo, hi]; mean pinball loss over the quantiles 0.1, 0.9,
#       0.025, 0.975 of the 80 and 95% bounds), as a second implementation to
#       cross-check the C one; the C test also checks them by hand.
#   accuracy_tscv.csv       case,method,origin,h,error
#       forecast::tsCV(y, f, h = 3) for f in naive, rwf(drift = TRUE),
#       meanf and snaive: error[t, h] = y[t + h] - (forecast from y[1..t])[h],
#       every row t = first..n-3 (the origins whose whole horizon is in the
#       data; carecast's backtest origin = t, the number of values fitted).
#   accuracy_tscv_by_h.csv  case,method,first,h,n,MAE,RMSE,MASE
#       column summaries of those rows: MAE and RMSE as colMeans of |e|
#       and e^2 with na.rm; MASE scales each origin's errors by that
#       origin's in-sample scale (mean |diff(y[1..t], lag)|, lag = m, or 1
#       when m = 1), as carecast defines the rolling-origin MASE.
#       h = 0 is the row over all steps together.
#
# The first origin of each tsCV method is the first at which carecast's
# benchmark fits accept the data (naive and mean 2 values, drift 3, snaive
# m + 1); R forecasts from even fewer (see src/ts/benchmarks.c).
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

args <- commandArgs(trailingOnly = TRUE)
m3_dir <- if (length(args) >= 1) args[1] else "/work/shared/data/m3"
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(script_arg)) dirname(normalizePath(sub("^--file=", "", script_arg))) else "."
out_dir <- file.path(here, "fixtures")
dir.create(out_dir, showWarnings = FALSE)

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))

m3_cache <- list()
m3_part <- function(file, id, part) {
  if (is.null(m3_cache[[file]])) m3_cache[[file]] <<- read.csv(file.path(m3_dir, file), stringsAsFactors = FALSE)
  d <- m3_cache[[file]]
  d <- d[d$series_id == id & d$split == part, ]
  d <- d[order(d$t), ]
  list(value = d$value, frequency = d$frequency[1])
}

series_rows <- character(0)
forecast_rows <- character(0)
measure_rows <- character(0)

# Score R's forecast fc of test (a ts following train) and record everything.
score <- function(case, method, fc, test) {
  acc <- accuracy(fc, test)
  y <- as.numeric(test)
  f <- as.numeric(fc$mean)[seq_along(y)]
  lo <- as.matrix(fc$lower)[seq_along(y), , drop = FALSE]
  hi <- as.matrix(fc$upper)[seq_along(y), , drop = FALSE]
  forecast_rows <<- c(forecast_rows, sprintf("%s,%s,%d,%s,%s,%s,%s,%s", case, method, seq_along(y), fmt(f),
                                             fmt(lo[, 1]), fmt(hi[, 1]), fmt(lo[, 2]), fmt(hi[, 2])))
  smape <- mean(200 * abs(y - f) / (abs(y) + abs(f)), na.rm = TRUE)
  covered <- function(l) mean(y >= lo[, l] & y <= hi[, l], na.rm = TRUE)
  pinball_q <- function(q, x) ifelse(y >= x, q * (y - x), (1 - q) * (x - y))
  losses <- c(pinball_q(0.1, lo[, 1]), pinball_q(0.9, hi[, 1]), pinball_q(0.025, lo[, 2]), pinball_q(0.975, hi[, 2]))
  measure_rows <<- c(measure_rows, sprintf("%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s", case, method, sum(!is.na(y)),
                                           fmt(acc["Test set", "ME"]), fmt(acc["Test set", "RMSE"]),
                                           fmt(acc["Test set", "MAE"]), fmt(acc["Test set", "MASE"]),
                                           fmt(acc["Test set", "MAE"] / acc["Test set", "MASE"]), fmt(smape),
                                           fmt(covered(1)), fmt(covered(2)), fmt(mean(losses, na.rm = TRUE))))
}

# An M3 series: forecast its train part with each method, score on its test part.
# missing_train / missing_test: positions set to NA, to check that accuracy()
# and carecast skip the same points.
accuracy_case <- function(case, file, id, methods, missing_train = integer(0), missing_test = integer(0)) {
  train <- m3_part(file, id, "train")
  test <- m3_part(file, id, "test")
  train$value[missing_train] <- NA
  test$value[missing_test] <- NA
  m <- train$frequency
  x <- ts(train$value, frequency = m)
  xx <- ts(test$value, start = tsp(x)[2] + 1 / m, frequency = m)
  n <- length(x)
  series_rows <<- c(series_rows,
                    sprintf("%s,%d,train,%d,%s", case, m, seq_len(n), fmt(train$value)),
                    sprintf("%s,%d,test,%d,%s", case, m, n + seq_along(test$value), fmt(test$value)))
  h <- length(xx)
  for (method in methods) {
    fc <- switch(method,
                 naive = naive(x, h = h, level = c(80, 95)),
                 snaive = snaive(x, h = h, level = c(80, 95)),
                 drift = rwf(x, h = h, drift = TRUE, level = c(80, 95)),
                 mean = meanf(x, h = h, level = c(80, 95)),
                 ets = forecast(ets(x), h = h, level = c(80, 95)))
    score(case, method, fc, xx)
  }
}

all_methods <- c("naive", "snaive", "drift", "mean", "ets")
accuracy_case("m3_yearly_N0010", "m3_yearly.csv", "N0010", all_methods)
accuracy_case("m3_yearly_N0400", "m3_yearly.csv", "N0400", all_methods)
accuracy_case("m3_quarterly_N0700", "m3_quarterly.csv", "N0700", all_methods)
accuracy_case("m3_quarterly_N1200", "m3_quarterly.csv", "N1200", all_methods)
accuracy_case("m3_monthly_N1500", "m3_monthly.csv", "N1500", all_methods)
accuracy_case("m3_monthly_N2000", "m3_monthly.csv", "N2000", all_methods)
accuracy_case("m3_other_N2900", "m3_other.csv", "N2900", all_methods)
# Missing values in both parts (ets in R would keep only the longest
# contiguous stretch, so its forecast object would carry another series).
accuracy_case("m3_monthly_N1402_missing", "m3_monthly.csv", "N1402", c("naive", "snaive", "drift", "mean"),
              missing_train = c(13, 30, 31), missing_test = c(2, 11))

# tsCV on short series, h = 3.
tscv_rows <- character(0)
by_h_rows <- character(0)
H <- 3
tscv_case <- function(case, y, m, methods) {
  y <- ts(y, frequency = m)
  n <- length(y)
  series_rows <<- c(series_rows, sprintf("%s,%d,all,%d,%s", case, m, seq_len(n), fmt(as.numeric(y))))
  lag <- if (m > 1) m else 1
  for (method in methods) {
    fun <- switch(method,
                  naive = function(x, h) naive(x, h = h),
                  drift = function(x, h) rwf(x, h = h, drift = TRUE),
                  mean = function(x, h) meanf(x, h = h),
                  snaive = function(x, h) snaive(x, h = h))
    first <- switch(method, naive = 2, mean = 2, drift = 3, snaive = m + 1)
    e <- tsCV(y, fun, h = H)
    rows <- first:(n - H)
    e <- e[rows, , drop = FALSE]
    for (k in seq_along(rows))
      tscv_rows <<- c(tscv_rows, sprintf("%s,%s,%d,%d,%s", case, method, rows[k], 1:H, fmt(e[k, ])))
    scale <- sapply(rows, function(t) mean(abs(diff(as.numeric(y[1:t]), lag = lag)), na.rm = TRUE))
    scaled <- abs(e) / scale
    summary_row <- function(hh, ee, ss)
      sprintf("%s,%s,%d,%d,%d,%s,%s,%s", case, method, first, hh, sum(!is.na(ee)), fmt(mean(abs(ee), na.rm = TRUE)),
              fmt(sqrt(mean(ee^2, na.rm = TRUE))), fmt(mean(ss, na.rm = TRUE)))
    by_h_rows <<- c(by_h_rows, summary_row(0, e, scaled))
    for (hh in 1:H) by_h_rows <<- c(by_h_rows, summary_row(hh, e[, hh], scaled[, hh]))
  }
}

counts <- c(23, 27, 25, 31, 30, 34, 29, 36, 38, 35, 41, 40, 44, 47)
tscv_case("short_counts", counts, 1, c("naive", "drift", "mean"))
counts_missing <- counts
counts_missing[c(6, 12)] <- NA
tscv_case("short_counts_missing", counts_missing, 1, c("naive", "drift", "mean"))
tscv_case("short_quarterly", c(31, 45, 52, 30, 35, 47, 55, 33, 36, 50, 58, 34, 39, 52, 61, 37), 4,
          c("snaive", "naive"))

writeLines(c("case,period,split,t,value", series_rows), file.path(out_dir, "accuracy_series.csv"))
writeLines(c("case,method,h,mean,lo80,hi80,lo95,hi95", forecast_rows), file.path(out_dir, "accuracy_forecasts.csv"))
writeLines(c("case,method,n_test,ME,RMSE,MAE,MASE,scale,sMAPE,cov80,cov95,pinball", measure_rows),
           file.path(out_dir, "accuracy_measures.csv"))
writeLines(c("case,method,origin,h,error", tscv_rows), file.path(out_dir, "accuracy_tscv.csv"))
writeLines(c("case,method,first,h,n,MAE,RMSE,MASE", by_h_rows), file.path(out_dir, "accuracy_tscv_by_h.csv"))
cat(sprintf("wrote %d scored forecasts, %d tsCV errors, %d tsCV summaries to %s\n",
            length(measure_rows), length(tscv_rows), length(by_h_rows), out_dir))
