# auto_arima_seasonal_reference.R: reference automatic seasonal ARIMA,
# seasonal differencing tests and STL decompositions from R 4.2.2 with
# forecast 8.20: forecast::auto.arima(y) with all its defaults (stepwise,
# ic = "aicc", nsdiffs by the "seas" strength, KPSS for d, approximation for
# series longer than 150), forecast::nsdiffs, forecast:::seas.heuristic,
# stats::stl and forecast::mstl.
#
# Run from anywhere:   Rscript tests/reference/auto_arima_seasonal_reference.R [DATA_DIR]
# DATA_DIR defaults to /work/shared/data (m3/ and tourism/ below it, see
# their READMEs: M3 from Makridakis and Hibon 2000, tourism from
# Athanasopoulos et al. 2011); only the series used are copied into the
# fixtures. Writes, next to this script:
#   fixtures/auto_sarima_series.csv    case,period,t,value            (inputs; NaN missing)
#   fixtures/auto_sarima.csv           case,period,p,d,q,P,D,Q,constant,loglik,aicc,approximation,strength,nsdiffs
#   fixtures/auto_sarima_coef.csv      case,name,value                (R's coefficients)
#   fixtures/auto_sarima_forecast.csv  case,h,mean                    (h = 1..2 periods)
#   fixtures/stl.csv                   case,t,seasonal,trend,remainder,weights
#   fixtures/stl_cases.csv             case,series,s_window,robust,mstl
#                                      (s_window 0 = "periodic"; mstl = yes: forecast::mstl with NAs)
# which tests/unit/test_auto_arima.c and tests/unit/test_stl.c compare carecast against.
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[1] else Sys.getenv("CARECAST_REF_DATA_ROOT", "/work/shared/data")
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(script_arg)) dirname(normalizePath(sub("^--file=", "", script_arg))) else "."
out_dir <- file.path(here, "fixtures")
dir.create(out_dir, showWarnings = FALSE)

cache <- list()
competition_series <- function(file, id, frequency) {
  if (is.null(cache[[file]])) cache[[file]] <<- read.csv(file.path(data_dir, file), stringsAsFactors = FALSE)
  d <- cache[[file]]
  d <- d[d$series_id == id & d$split == "train", ]
  d <- d[order(d$t), ]
  ts(d$value, frequency = frequency)
}


# arima.sim has no seasonal part: expand the seasonal polynomials by hand.
seasonal_sim <- function(seed, n, m, ar = numeric(0), ma = numeric(0), sar = 0, sma = 0, d = 0, D = 0,
                         offset = 0, missing = integer(0)) {
  set.seed(seed)
  phi <- ar
  if (sar != 0) { full <- numeric(m + length(ar)); full[seq_along(ar)] <- ar; full[m] <- full[m] + sar
    if (length(ar)) full[m + seq_along(ar)] <- full[m + seq_along(ar)] - sar * ar
    phi <- full }
  theta <- ma
  if (sma != 0) { full <- numeric(m + length(ma)); full[seq_along(ma)] <- ma; full[m] <- full[m] + sma
    if (length(ma)) full[m + seq_along(ma)] <- full[m + seq_along(ma)] + sma * ma
    theta <- full }
  burn <- 100
  w <- as.numeric(arima.sim(list(ar = phi, ma = theta), n = n + burn))[burn + seq_len(n)]
  x <- w
  for (i in seq_len(D)) x <- diffinv(x, lag = m)[-seq_len(m)]
  for (i in seq_len(d)) x <- diffinv(x)[-1]
  x <- x[seq_len(n)] + offset
  x[missing] <- NA
  ts(x, frequency = m)
}

cases <- list()
for (id in c("N0646", "N0700", "N0750", "N0800", "N0900", "N1000", "N1200"))
  cases[[paste0("m3_quarterly_", id)]] <- competition_series("m3/m3_quarterly.csv", id, 4)
for (id in c("N1402", "N1500", "N1600", "N1700", "N1800", "N2000", "N2200", "N2400"))
  cases[[paste0("m3_monthly_", id)]] <- competition_series("m3/m3_monthly.csv", id, 12)
for (id in c("q1", "q50", "q200"))
  cases[[paste0("tourism_quarterly_", id)]] <- competition_series("tourism/tourism_quarterly.csv", id, 4)
for (id in c("m1", "m109", "m300"))
  cases[[paste0("tourism_monthly_", id)]] <- competition_series("tourism/tourism_monthly.csv", id, 12)
cases$sim_airline12 <- seasonal_sim(301, 120, 12, ma = -0.4, sma = -0.6, d = 1, D = 1, offset = 200)
cases$sim_sar4_mean <- seasonal_sim(302, 100, 4, ar = 0.5, sar = 0.6, offset = 50)
cases$sim_airline4_missing <- seasonal_sim(303, 80, 4, ma = 0.3, sma = -0.5, d = 1, D = 1, offset = 100,
                                           missing = c(7, 30, 31, 55))
cases$sim_sarima12_missing <- seasonal_sim(304, 132, 12, ar = 0.4, sma = -0.5, D = 1, offset = 80,
                                           missing = c(20, 64, 100))
cases$sim_long12 <- seasonal_sim(305, 200, 12, ma = -0.3, sar = 0.5, d = 1, offset = 500)
cases$sim_long4_missing <- seasonal_sim(306, 180, 4, ar = 0.6, sma = -0.7, D = 1, offset = 40,
                                        missing = c(15, 16, 90, 170))
cases$sim_weak_season12 <- seasonal_sim(307, 96, 12, ar = 0.7, sar = 0.2, offset = 30)
# Long with missing values: R's CSS fits of MA models are then inadmissible (their Hessian is singular).
set.seed(2)
long_missing <- 50 + 5 * sin(2 * pi * (1:300) / 12) + as.numeric(arima.sim(list(ar = 0.5), 300))
long_missing[c(10, 100, 200)] <- NA
cases$sim_long12_missing <- ts(long_missing, frequency = 12)

# Every computation below sees the values exactly as the fixture stores them.
cases <- lapply(cases, function(x) { x[] <- as.numeric(sprintf("%.10g", x)); x })

series_rows <- list(); fit_rows <- list(); coef_rows <- list(); fc_rows <- list()
for (name in names(cases)) {
  x <- cases[[name]]
  m <- frequency(x)
  fit <- auto.arima(x)
  o <- arimaorder(fit)
  fc <- forecast(fit, h = 2 * m)$mean
  series_rows[[name]] <- data.frame(case = name, period = m, t = seq_along(x),
                                    value = ifelse(is.na(x), "NaN", sprintf("%.10g", as.numeric(x))))
  cf <- coef(fit)
  fit_rows[[name]] <- data.frame(case = name, period = m, p = o[["p"]], d = o[["d"]], q = o[["q"]],
                                 P = if (length(o) > 3) o[["P"]] else 0, D = if (length(o) > 3) o[["D"]] else 0,
                                 Q = if (length(o) > 3) o[["Q"]] else 0,
                                 constant = if (any(names(cf) %in% c("intercept", "drift"))) "yes" else "no",
                                 loglik = sprintf("%.10g", fit$loglik), aicc = sprintf("%.10g", fit$aicc),
                                 approximation = if (length(x) > 150 || m > 12) "yes" else "no",
                                 strength = sprintf("%.10g", forecast:::seas.heuristic(x)),
                                 nsdiffs = nsdiffs(x))
  if (length(cf)) coef_rows[[name]] <- data.frame(case = name, name = names(cf), value = sprintf("%.10g", cf))
  fc_rows[[name]] <- data.frame(case = name, h = seq_along(fc), mean = sprintf("%.10g", fc))
  cat(name, length(x), forecast:::arima.string(fit), "\n")
}
write.csv(do.call(rbind, series_rows), file.path(out_dir, "auto_sarima_series.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, fit_rows), file.path(out_dir, "auto_sarima.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, coef_rows), file.path(out_dir, "auto_sarima_coef.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, fc_rows), file.path(out_dir, "auto_sarima_forecast.csv"), row.names = FALSE, quote = FALSE)

# STL: stl() with mstl's s.window, periodic, robust, and mstl with missing values.
stl_cases <- list(
  list(case = "stl_m3_monthly_N1402", series = "m3_monthly_N1402", s_window = 11, robust = FALSE),
  list(case = "stl_m3_quarterly_N0700", series = "m3_quarterly_N0700", s_window = 11, robust = FALSE),
  list(case = "stl_tourism_m1_periodic", series = "tourism_monthly_m1", s_window = 0, robust = FALSE),
  list(case = "stl_tourism_q1_robust", series = "tourism_quarterly_q1", s_window = 7, robust = TRUE),
  list(case = "stl_airline12_robust", series = "sim_airline12", s_window = 13, robust = TRUE),
  list(case = "mstl_sarima12_missing", series = "sim_sarima12_missing", s_window = 11, robust = FALSE),
  list(case = "mstl_airline4_missing", series = "sim_airline4_missing", s_window = 11, robust = FALSE)
)
stl_rows <- list(); stl_case_rows <- list()
for (sc in stl_cases) {
  x <- cases[[sc$series]]
  if (anyNA(x)) {
    fit <- mstl(x)
    out <- data.frame(seasonal = fit[, 3], trend = fit[, "Trend"], remainder = fit[, "Remainder"], weights = 1)
  } else {
    fit <- stl(x, s.window = if (sc$s_window == 0) "periodic" else sc$s_window, robust = sc$robust)
    ts <- fit$time.series
    out <- data.frame(seasonal = ts[, "seasonal"], trend = ts[, "trend"], remainder = ts[, "remainder"],
                      weights = fit$weights)
  }
  fmt <- function(v) ifelse(is.na(v), "NaN", sprintf("%.12g", v))
  stl_rows[[sc$case]] <- data.frame(case = sc$case, t = seq_along(x), seasonal = fmt(out$seasonal),
                                    trend = fmt(out$trend), remainder = fmt(out$remainder), weights = fmt(out$weights))
  stl_case_rows[[sc$case]] <- data.frame(case = sc$case, series = sc$series, s_window = sc$s_window,
                                         robust = if (sc$robust) 1 else 0, mstl = if (anyNA(x)) "yes" else "no")
}
write.csv(do.call(rbind, stl_rows), file.path(out_dir, "stl.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, stl_case_rows), file.path(out_dir, "stl_cases.csv"), row.names = FALSE, quote = FALSE)
cat("auto_arima seasonal reference:", length(fit_rows), "cases,", length(stl_rows), "STL cases\n")
