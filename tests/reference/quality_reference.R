#!/usr/bin/env Rscript
## quality_reference.R -- reference fixtures for carecast's data-quality stage
##
## From R 4.2.2 (stats), forecast 8.20 and strucchange 1.5-3 (Debian's
## r-cran-forecast, r-cran-strucchange):
##   quality_series.csv      the series (M3 with planted outliers, R datasets, simulated), NA = missing
##   quality_stl.csv         stats::stl() seasonal, trend and robustness weights under three settings
##   quality_supsmu.csv      stats::supsmu(1:n, y)$y
##   quality_tsoutliers.csv  forecast::tsoutliers(): indices and replacements (none: one row, index NA)
##   quality_nainterp.csv    forecast::na.interp() at the missing positions
##   quality_breaks.csv      strucchange: sup-F of a mean shift (y ~ 1) and of a shift in
##                           level and slope (y ~ t): statistic, break point, p-value
##   quality_breaks_lrv.csv  the robust sup-F of breaks.h: F = (RSS_0 - min RSS_split) / s^2 with s^2
##                           a long-run variance by sandwich::lrvar(u, type = "Andrews",
##                           prewhite = TRUE, adjust = FALSE) * n^2 / (n - p) (sandwich 3.0) of the
##                           residuals at the least-squares break when they are nearly white, else of
##                           the no-break residuals (breaks.h), the prewhitening AR(1) as
##                           ar.ols(u, demean = FALSE) finds it, the break point and strucchange's
##                           Hansen p-value; seasonal = 1 rows test the series less its seasonal
##                           intercepts of lm(y ~ t + season), period - 1 parameters absorbed
##   quality_structts.csv    stats::StructTS() variances and minimised objective, and
##                           tsSmooth() (Z times the smoothed state) at every position
## Deterministic (fixed ids and seeds). Run from the repository root:
##     Rscript tests/reference/quality_reference.R
## Reads the M3 data from /work/shared/data (override with CARECAST_REF_DATA).

suppressPackageStartupMessages({ library(forecast); library(strucchange); library(sandwich) })
script_dir <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) dirname(normalizePath(sub("^--file=", "", a[1]))) else "tests/reference"
})
out_dir  <- file.path(script_dir, "fixtures")
data_dir <- Sys.getenv("CARECAST_REF_DATA", "/work/shared/data")
num <- function(x) { x <- as.numeric(x); out <- sprintf("%.15g", x); out[is.na(x)] <- "NA"; out }
write_plain <- function(df, name) {
  for (j in seq_along(df)) if (is.numeric(df[[j]])) df[[j]] <- num(df[[j]])
  write.csv(df, file.path(out_dir, name), row.names = FALSE, quote = FALSE)
}

## ------------------------------------------------------------------ series
cases <- list()
add <- function(name, y, planted = integer(0)) {
  cases[[name]] <<- list(y = y, planted = planted)
}
## Plant outliers: k positions away from both ends, each moved by size x the
## interquartile range of the first differences, up or down at random.
plant <- function(y, k, size, seed) {
  set.seed(seed)
  n <- length(y)
  pos <- sort(sample(3:(n - 2), k))
  iqr <- IQR(diff(y))
  y[pos] <- y[pos] + sample(c(-1, 1), k, replace = TRUE) * size * iqr
  list(y = y, pos = pos)
}
read_long <- function(f) read.csv(f, stringsAsFactors = FALSE, colClasses = c(value = "numeric"))
m3 <- do.call(rbind, lapply(c("yearly", "quarterly", "monthly", "other"), function(k)
  read_long(file.path(data_dir, "m3", sprintf("m3_%s.csv", k)))))
m3_ids <- c("N2479", "N2088", "N2485", "N1893", "N2786", "N0874", "N0882", "N0156", "N2831", "N2832")
for (i in seq_along(m3_ids)) {
  s <- m3[m3$series_id == m3_ids[i] & m3$split == "train", ]
  s <- s[order(s$t), ]
  y <- ts(s$value, frequency = s$frequency[1])
  p <- plant(y, max(2, length(y) %/% 30), 6, 100 + i)
  add(paste0("m3_", m3_ids[i]), p$y, p$pos)
}
add("airpassengers", AirPassengers)
add("nottem", nottem)
add("usaccdeaths", USAccDeaths)
add("nile", Nile)
add("lynx", lynx)
set.seed(7)
x <- ts(100 + 10 * sin(2 * pi * (1:96) / 12) + cumsum(rnorm(96, 0, 2)) + rnorm(96, 0, 3), frequency = 12)
p <- plant(x, 4, 8, 8)
add("sim_seasonal", p$y, p$pos)
set.seed(9)
x <- ts(50 + arima.sim(list(ar = 0.6), 60) * 4, frequency = 1)
p <- plant(x, 3, 8, 10)
add("sim_ar1", p$y, p$pos)
set.seed(11)
x <- ts(200 + 0.5 * (1:120) + 15 * cos(2 * pi * (1:120) / 12) + rnorm(120, 0, 5), frequency = 12)
x[61:120] <- x[61:120] + 40                             # a level shift after 60
add("sim_shift", x)
set.seed(12)
x <- ts(30 + rnorm(40, 0, 2), frequency = 4)
x[25:40] <- x[25:40] - 8
add("sim_shift_q", x)
## with gaps (for na.interp and the Kalman smoother)
x <- AirPassengers; x[c(20, 21, 22, 70, 100)] <- NA; add("airpassengers_na", x)
x <- Nile; x[c(10, 40, 41, 42, 77)] <- NA; add("nile_na", x)
x <- USAccDeaths; x[c(5, 30, 31, 50)] <- NA; add("usaccdeaths_na", x)

rows <- do.call(rbind, lapply(names(cases), function(nm) {
  y <- cases[[nm]]$y
  data.frame(case = nm, period = frequency(y), t = seq_along(y), value = as.numeric(y),
             planted = as.integer(seq_along(y) %in% cases[[nm]]$planted))
}))
write_plain(rows, "quality_series.csv")

complete <- names(cases)[!sapply(cases, function(k) anyNA(k$y))]

## ------------------------------------------------------------------ stl
stl_rows <- list()
for (nm in complete) {
  y <- cases[[nm]]$y
  if (frequency(y) < 2 || length(y) <= 2 * frequency(y)) next
  settings <- list(list("periodic", FALSE), list(7, FALSE), list(11, TRUE))
  for (st in settings) {
    f <- stl(y, s.window = st[[1]], robust = st[[2]])
    stl_rows[[length(stl_rows) + 1]] <- data.frame(case = nm, s_window = if (is.character(st[[1]])) 0 else st[[1]],
      robust = as.integer(st[[2]]), t = seq_along(y), seasonal = as.numeric(f$time.series[, "seasonal"]),
      trend = as.numeric(f$time.series[, "trend"]), weight = f$weights)
  }
}
write_plain(do.call(rbind, stl_rows), "quality_stl.csv")

## ------------------------------------------------------------------ supsmu
write_plain(do.call(rbind, lapply(complete, function(nm) {
  y <- as.numeric(cases[[nm]]$y)
  data.frame(case = nm, t = seq_along(y), smooth = supsmu(seq_along(y), y)$y)
})), "quality_supsmu.csv")

## ------------------------------------------------------------------ tsoutliers
write_plain(do.call(rbind, lapply(names(cases), function(nm) {
  o <- tsoutliers(cases[[nm]]$y)
  if (length(o$index) == 0) return(data.frame(case = nm, index = NA, replacement = NA))
  data.frame(case = nm, index = o$index, replacement = as.numeric(o$replacements))
})), "quality_tsoutliers.csv")

## ------------------------------------------------------------------ na.interp
write_plain(do.call(rbind, lapply(names(cases)[sapply(cases, function(k) anyNA(k$y))], function(nm) {
  y <- cases[[nm]]$y
  f <- na.interp(y)
  miss <- which(is.na(y))
  data.frame(case = nm, t = miss, value = as.numeric(f)[miss])
})), "quality_nainterp.csv")

## ------------------------------------------------------------------ breaks
break_rows <- list()
for (nm in complete) {
  y <- as.numeric(cases[[nm]]$y)
  tt <- seq_along(y)
  for (k in 1:2) {
    fs <- if (k == 1) Fstats(y ~ 1, from = 0.15) else Fstats(y ~ tt, from = 0.15)
    test <- sctest(fs, type = "supF")
    break_rows[[length(break_rows) + 1]] <- data.frame(case = nm, regressors = k,
      statistic = unname(test$statistic), breakpoint = fs$breakpoint, p_value = test$p.value)
  }
}
write_plain(do.call(rbind, break_rows), "quality_breaks.csv")

## ------------------------------------------------------------------ robust breaks
## Every split refitted by lm.fit (no running sums), the long-run variance by
## sandwich (not by the formulas of breaks.h), the p-value by strucchange.
robust_supf <- function(y, k, absorbed = 0, trim = 0.15, split_min_n = 30, split_max_ar = 0.3) {
  n <- length(y); tt <- seq_len(n)
  X0 <- if (k == 1) matrix(1, n, 1) else cbind(1, tt)
  lrv <- function(u, p) lrvar(u, type = "Andrews", prewhite = TRUE, adjust = FALSE) * n^2 / (n - p - absorbed)
  ar1 <- function(u) ar(u, order.max = 1, aic = FALSE, demean = FALSE, method = "ols")$ar[1]
  u0 <- lm.fit(X0, y)$residuals
  from <- max(floor(trim * n), k + 1); to <- min(n - floor(trim * n), n - k - 1)
  split <- function(b) { d <- as.numeric(tt > b); lm.fit(cbind(X0 * (1 - d), X0 * d), y)$residuals }
  rss <- sapply(from:to, function(b) sum(split(b)^2))
  b <- (from:to)[which.min(rss)]
  u1 <- split(b)
  under_break <- n >= split_min_n && ar1(u1) <= split_max_ar
  s2 <- if (under_break) max(lrv(u1, 2 * k), sum(u1^2) / (n - 2 * k - absorbed)) else lrv(u0, k)
  f <- (sum(u0^2) - min(rss)) / s2
  lambda <- ((n - from) * to) / (from * (n - to))
  data.frame(regressors = k, under_break = as.integer(under_break), lrv = s2,
             rho = if (under_break) ar1(u1) else ar1(u0), statistic = f, breakpoint = b,
             p_value = strucchange:::pvalue.Fstats(f, type = "supF", k = k, lambda = lambda))
}
## Seasonal dummies (cc_break_deseasonalise): y less its season's intercept in lm(y ~ t + season),
## i.e. the fitted trend plus the residuals; the test then absorbs period - 1 parameters.
deseasonalise <- function(y, period) {
  tt <- seq_along(y)
  if (period <= 1 || length(y) < 2 * period) return(y)
  fit <- lm(y ~ tt + factor((tt - 1) %% period))
  coef(fit)[["tt"]] * tt + residuals(fit)
}
write_plain(do.call(rbind, lapply(complete, function(nm) {
  y <- as.numeric(cases[[nm]]$y)
  period <- frequency(cases[[nm]]$y)
  rows <- cbind(case = nm, seasonal = 0, rbind(robust_supf(y, 1), robust_supf(y, 2)))
  if (period > 1 && length(y) >= 2 * period) {
    z <- deseasonalise(y, period)
    rows <- rbind(rows, cbind(case = nm, seasonal = 1, rbind(robust_supf(z, 1, period - 1), robust_supf(z, 2, period - 1))))
  }
  rows
})), "quality_breaks_lrv.csv")

## ------------------------------------------------------------------ StructTS
sts <- list(list("nile", "level"), list("nile", "trend"), list("nile_na", "trend"), list("lynx", "trend"),
            list("usaccdeaths", "BSM"), list("usaccdeaths_na", "BSM"), list("sim_shift_q", "BSM"),
            list("airpassengers_na", "trend"), list("sim_ar1", "trend"))
sts_rows <- list()
for (st in sts) {
  y <- cases[[st[[1]]]]$y
  fit <- StructTS(y, type = st[[2]])
  sm <- tsSmooth(fit)
  zs <- as.numeric(as.matrix(KalmanSmooth(fit$data, fit$model0, -1)$smooth) %*% fit$model0$Z)
  value <- (fit$loglik + 0.5 * sum(!is.na(y)) * log(2 * pi)) / (-length(y))
  cf <- fit$coef
  sts_rows[[length(sts_rows) + 1]] <- data.frame(case = st[[1]], type = st[[2]], t = seq_along(y),
    level_var = cf["level"], slope_var = if ("slope" %in% names(cf)) cf["slope"] else NA,
    seas_var = if ("seas" %in% names(cf)) cf["seas"] else NA, eps_var = cf["epsilon"],
    objective = value, smooth = zs)
}
write_plain(do.call(rbind, sts_rows), "quality_structts.csv")
cat("done\n")
