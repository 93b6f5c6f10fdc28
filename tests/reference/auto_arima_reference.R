# auto_arima_reference.R: reference automatic order selection from R's
# forecast package (8.20) for non-seasonal series: forecast::auto.arima(y,
# seasonal = FALSE) with its defaults (stepwise, ic = "aicc", KPSS for d;
# every series here has at most 150 values, so approximation is FALSE).
#
# Run from anywhere:   Rscript tests/reference/auto_arima_reference.R [M3_DIR]
# M3_DIR defaults to /work/shared/data/m3 (see its README for the format).
# Writes, next to this script:
#   fixtures/auto_arima_series.csv  case,t,value               (the inputs)
#   fixtures/auto_arima.csv         case,p,d,q,constant,aicc,f1,..,f6
#                                   (constant: yes when a mean or drift was chosen;
#                                    f1..f6 the point forecasts h = 1..6)
# which tests/unit/test_auto_arima.c compares carecast against.
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
  ts(d$value, frequency = 1)
}

simulated <- function(seed, model, n, offset = 0, trend = 0) {
  set.seed(seed)
  x <- as.numeric(arima.sim(model, n = n)) + offset
  ts(x + trend * seq_along(x), frequency = 1)
}

cases <- list(
  sim_ari110 = simulated(201, list(order = c(1, 1, 0), ar = 0.6), 120, offset = 50),
  sim_ima011 = simulated(202, list(order = c(0, 1, 1), ma = -0.5), 120, offset = 100),
  sim_ar2_mean = simulated(203, list(ar = c(0.6, -0.3)), 140, offset = 20),
  sim_arima111_drift = simulated(204, list(order = c(1, 1, 1), ar = 0.4, ma = 0.3), 120, offset = 10, trend = 0.8),
  sim_white_noise = simulated(205, list(), 100, offset = 5),
  sim_random_walk = simulated(206, list(order = c(0, 1, 0)), 100, offset = 30)
)
for (id in c("N0001", "N0010", "N0050", "N0100", "N0150", "N0200", "N0250", "N0300", "N0350", "N0400",
             "N0450", "N0500", "N0550", "N0600", "N0645"))
  cases[[paste0("m3_yearly_", id)]] <- m3_series("m3_yearly.csv", id)
for (id in c("N2830", "N2847", "N2862", "N2867", "N2900", "N2950", "N3000"))
  cases[[paste0("m3_other_", id)]] <- m3_series("m3_other.csv", id)

series_rows <- list()
fit_rows <- list()
for (name in names(cases)) {
  x <- cases[[name]]
  stopifnot(length(x) <= 150)
  fit <- auto.arima(x, seasonal = FALSE)
  order <- arimaorder(fit)
  fc <- forecast(fit, h = 6)$mean
  series_rows[[name]] <- data.frame(case = name, t = seq_along(x), value = sprintf("%.10g", as.numeric(x)))
  row <- data.frame(case = name, p = order[["p"]], d = order[["d"]], q = order[["q"]],
                    constant = if (any(names(coef(fit)) %in% c("intercept", "drift"))) "yes" else "no",
                    aicc = sprintf("%.10g", fit$aicc))
  for (h in 1:6) row[[paste0("f", h)]] <- sprintf("%.10g", fc[h])
  fit_rows[[name]] <- row
  cat(name, forecast:::arima.string(fit), "\n")
}
write.csv(do.call(rbind, series_rows), file.path(out_dir, "auto_arima_series.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, fit_rows), file.path(out_dir, "auto_arima.csv"), row.names = FALSE, quote = FALSE)
cat("auto_arima reference:", length(fit_rows), "cases\n")
