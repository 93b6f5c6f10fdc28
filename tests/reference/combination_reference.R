# combination_reference.R: the forecast combination of automatic ETS,
# automatic ARIMA and Theta as R users compute it with forecast 8.20:
#   (forecast(ets(y), h)$mean + forecast(auto.arima(y), h)$mean + thetaf(y, h)$mean) / 3
# on non-seasonal series (M3 yearly and other, simulated) and some seasonal
# ones (M3 quarterly and monthly). The seasonal cases need a seasonal
# auto.arima; while carecast's automatic ARIMA is non-seasonal, carecast
# combines ETS and Theta there, so the mean of those two (pair*) is written
# as well.
#
# Run from anywhere:   Rscript tests/reference/combination_reference.R [M3_DIR]
# M3_DIR defaults to /work/shared/data/m3 (see its README for the format).
# Writes, next to this script:
#   fixtures/combination_series.csv  case,period,t,value   (the inputs)
#   fixtures/combination.csv         case,period,ets,p,d,q,sp,sd,sq,constant,
#                                    f1..f6 (the mean of the three),
#                                    pair1..pair6 (the mean of ETS and Theta),
#                                    note
#     ets: the chosen ETS model without punctuation (MAdN for ETS(M,Ad,N)); p..sq the auto.arima orders;
#     constant: yes when auto.arima chose a mean or drift.
# which tests/unit/test_combination.c compares carecast against.
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

args <- commandArgs(trailingOnly = TRUE)
m3_dir <- if (length(args) >= 1) args[1] else Sys.getenv("CARECAST_REF_DATA", "/work/shared/data/m3")
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(script_arg)) dirname(normalizePath(sub("^--file=", "", script_arg))) else "."
out_dir <- file.path(here, "fixtures")
dir.create(out_dir, showWarnings = FALSE)
horizon <- 6

m3_cache <- list()
m3_series <- function(file, id, period) {
  if (is.null(m3_cache[[file]])) m3_cache[[file]] <<- read.csv(file.path(m3_dir, file), stringsAsFactors = FALSE)
  d <- m3_cache[[file]]
  d <- d[d$series_id == id & d$split == "train", ]
  d <- d[order(d$t), ]
  ts(d$value, frequency = period)
}

simulated <- function(seed, model, n, offset = 0, trend = 0) {
  set.seed(seed)
  x <- as.numeric(arima.sim(model, n = n)) + offset
  ts(x + trend * seq_along(x), frequency = 1)
}

cases <- list(
  sim_ari110 = simulated(301, list(order = c(1, 1, 0), ar = 0.5), 80, offset = 60),
  sim_ima011 = simulated(302, list(order = c(0, 1, 1), ma = -0.4), 90, offset = 120),
  sim_ar1_mean = simulated(303, list(ar = 0.7), 100, offset = 40),
  sim_trend = simulated(304, list(ar = 0.3), 70, offset = 20, trend = 0.6),
  sim_random_walk = simulated(305, list(order = c(0, 1, 0)), 60, offset = 50)
)
for (id in c("N0003", "N0020", "N0045", "N0080", "N0120", "N0175", "N0230", "N0310", "N0380", "N0460",
             "N0530", "N0600"))
  cases[[paste0("m3_yearly_", id)]] <- m3_series("m3_yearly.csv", id, 1)
for (id in c("N2835", "N2855", "N2880", "N2920", "N2990"))
  cases[[paste0("m3_other_", id)]] <- m3_series("m3_other.csv", id, 1)
for (id in c("N0700", "N0800", "N1000"))
  cases[[paste0("m3_quarterly_", id)]] <- m3_series("m3_quarterly.csv", id, 4)
for (id in c("N1500", "N2000"))
  cases[[paste0("m3_monthly_", id)]] <- m3_series("m3_monthly.csv", id, 12)

series_rows <- list()
fit_rows <- list()
for (name in names(cases)) {
  x <- cases[[name]]
  stopifnot(length(x) <= 150) # auto.arima fits exactly (no approximation) below 150 values
  period <- frequency(x)
  e <- ets(x)
  a <- auto.arima(x)
  f_ets <- forecast(e, h = horizon)$mean
  f_arima <- forecast(a, h = horizon)$mean
  f_theta <- thetaf(x, h = horizon)$mean
  combined <- (f_ets + f_arima + f_theta) / 3
  two <- (f_ets + f_theta) / 2
  order <- arimaorder(a)
  seasonal_order <- if (length(order) >= 6) order[4:6] else c(0, 0, 0)
  series_rows[[name]] <- data.frame(case = name, period = period, t = seq_along(x), value = sprintf("%.10g", as.numeric(x)))
  row <- data.frame(case = name, period = period, ets = gsub("ETS|[(),]", "", e$method), p = order[[1]], d = order[[2]], q = order[[3]],
                    sp = seasonal_order[[1]], sd = seasonal_order[[2]], sq = seasonal_order[[3]],
                    constant = if (any(names(coef(a)) %in% c("intercept", "drift"))) "yes" else "no")
  for (h in 1:horizon) row[[paste0("f", h)]] <- sprintf("%.10g", combined[h])
  for (h in 1:horizon) row[[paste0("pair", h)]] <- sprintf("%.10g", two[h])
  row$note <- if (period > 1) "needs seasonal auto.arima" else ""
  fit_rows[[name]] <- row
  cat(name, e$method, forecast:::arima.string(a), "\n")
}
write.csv(do.call(rbind, series_rows), file.path(out_dir, "combination_series.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, fit_rows), file.path(out_dir, "combination.csv"), row.names = FALSE, quote = FALSE)
cat("combination reference:", length(fit_rows), "cases\n")
