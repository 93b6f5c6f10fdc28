# arima_xreg_reference.R: reference values from R's forecast package (8.20)
# for regression with ARIMA errors, forecast::Arima(y, order, xreg = X)
# (stats::arima underneath, method "CSS-ML", "ML" when there are missing
# values), and for the standard errors of the coefficients of ordinary ARIMA
# fits (sqrt(diag(var.coef)): the inverse of optim's numerical Hessian).
#
# Run from anywhere:   Rscript tests/reference/arima_xreg_reference.R
# Reads fixtures/arima_series.csv and fixtures/arima_fits.csv (written by
# arima_reference.R) and writes, next to this script:
#   fixtures/arima_se.csv          case,names,ses     (the 17 ordinary fits of arima_fits.csv)
#   fixtures/arima_xreg_series.csv case,period,t,part,value,x1,x2
#                                  (part "fit": the data fitted; "future": the regressors'
#                                   values over the horizon, value NA; x2 NA when one regressor)
#   fixtures/arima_xreg_fits.csv   case,constant,p,d,q,P,D,Q,period,n_xreg,names,values,ses,loglik
#   fixtures/arima_xreg_forecast.csv case,h,mean,lo95,hi95
#   fixtures/arima_xreg_auto.csv   case,p,d,q,constant,aicc   (auto.arima(y, xreg = X, seasonal = FALSE)
#                                  on the non-seasonal cases: the orders it chooses)
# which tests/unit/test_arima_xreg.c compares carecast against.
#
# Series: simulated under fixed seeds, y = X beta + n with n an ARIMA process,
# the regressors a random walk, white noise, a step dummy (0 then 1) and a
# trend after a change point (0 then 1, 2, ...), as an intervention analysis uses.
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
here <- if (length(script_arg)) dirname(normalizePath(sub("^--file=", "", script_arg))) else "."
out_dir <- file.path(here, "fixtures")

num <- function(x) sprintf("%.10g", x)

# ---- standard errors of the ordinary fits ----
series <- read.csv(file.path(out_dir, "arima_series.csv"), stringsAsFactors = FALSE)
fits <- read.csv(file.path(out_dir, "arima_fits.csv"), stringsAsFactors = FALSE)
se_rows <- list()
for (i in seq_len(nrow(fits))) {
  f <- fits[i, ]
  d <- series[series$case == f$case, ]
  x <- ts(d$value[order(d$t)], frequency = f$period)
  fit <- Arima(x, order = c(f$p, f$d, f$q), seasonal = list(order = c(f$P, f$D, f$Q), period = f$period),
               include.mean = f$constant == "mean", include.drift = f$constant == "drift")
  se_rows[[f$case]] <- data.frame(case = f$case, names = paste(names(coef(fit)), collapse = " "),
                                  ses = paste(num(sqrt(diag(fit$var.coef))), collapse = " "))
}
write.csv(do.call(rbind, se_rows), file.path(out_dir, "arima_se.csv"), row.names = FALSE, quote = FALSE)

# ---- regression with ARIMA errors ----
H <- 12
make_case <- function(name, seed, n, period, model, X, beta, order, sorder, constant, offset = 0, na_at = integer(0),
                      na_x_at = integer(0)) {
  set.seed(seed)
  noise <- as.numeric(arima.sim(model, n = n + H))
  noise <- noise[seq_len(n + H)]
  y <- offset + as.numeric(X %*% beta) + noise
  y[na_at] <- NA
  Xfit <- X[1:n, , drop = FALSE]
  Xfit[na_x_at, 1] <- NA
  list(name = name, y = ts(y[1:n], frequency = period), X = Xfit, Xf = X[n + 1:H, , drop = FALSE], order = order,
       sorder = sorder, constant = constant)
}
rw <- function(seed, n) { set.seed(seed); cumsum(rnorm(n)) }
wn <- function(seed, n) { set.seed(seed); rnorm(n, 5, 2) }
step_at <- function(n, at) as.numeric(seq_len(n) >= at)
trend_after <- function(n, at) pmax(0, seq_len(n) - at + 1)

N <- 120
cases <- list(
  make_case("xreg_one_ar1_mean", 201, N, 1, list(ar = 0.6), cbind(x1 = rw(1, N + H)), 1.5,
            c(1, 0, 0), c(0, 0, 0), "mean", offset = 20),
  make_case("xreg_two_arma11_mean", 202, N, 1, list(ar = 0.5, ma = 0.3), cbind(x1 = rw(2, N + H), x2 = wn(3, N + H)),
            c(0.8, -1.2), c(1, 0, 1), c(0, 0, 0), "mean", offset = 50),
  make_case("xreg_step_ima011", 203, N, 1, list(order = c(0, 1, 1), ma = -0.5), cbind(step = step_at(N + H, 70)), 6,
            c(0, 1, 1), c(0, 0, 0), "none", offset = 100),
  make_case("xreg_step_ari110_drift", 204, N, 1, list(order = c(1, 1, 0), ar = 0.4), cbind(step = step_at(N + H, 60)), -5,
            c(1, 1, 0), c(0, 0, 0), "drift", offset = 80),
  make_case("xreg_seasonal_airline", 205, 144, 12, list(order = c(0, 1, 1), ma = -0.4),
            cbind(x1 = wn(4, 144 + H)), 2, c(0, 1, 1), c(0, 1, 1), "none", offset = 200),
  make_case("xreg_missing_ar1_mean", 206, N, 1, list(ar = 0.5), cbind(x1 = wn(5, N + H)), 3,
            c(1, 0, 0), c(0, 0, 0), "mean", offset = 10, na_at = c(10, 40, 41, 95)),
  make_case("xreg_missing_x_ima011", 207, N, 1, list(order = c(0, 1, 1), ma = 0.3), cbind(x1 = rw(6, N + H)), 2,
            c(0, 1, 1), c(0, 0, 0), "none", offset = 30, na_at = c(33), na_x_at = c(50, 51)),
  make_case("xreg_step_trend_ar1_mean", 208, N, 1, list(ar = 0.4),
            cbind(step = step_at(N + H, 80), trend = trend_after(N + H, 80)), c(-8, 0.5),
            c(1, 0, 0), c(0, 0, 0), "mean", offset = 60)
)

series_rows <- list(); fit_rows <- list(); forecast_rows <- list(); auto_rows <- list()
for (cs in cases) {
  period <- frequency(cs$y)
  fit <- Arima(cs$y, order = cs$order, seasonal = list(order = cs$sorder, period = period), xreg = cs$X,
               include.mean = cs$constant == "mean", include.drift = cs$constant == "drift")
  k <- ncol(cs$X)
  x2 <- function(M) if (k > 1) M[, 2] else rep(NA, nrow(M))
  series_rows[[cs$name]] <- rbind(
    data.frame(case = cs$name, period = period, t = seq_along(cs$y), part = "fit", value = as.numeric(cs$y),
               x1 = cs$X[, 1], x2 = x2(cs$X)),
    data.frame(case = cs$name, period = period, t = length(cs$y) + 1:H, part = "future", value = NA,
               x1 = cs$Xf[, 1], x2 = x2(cs$Xf)))
  fit_rows[[cs$name]] <- data.frame(case = cs$name, constant = cs$constant, p = cs$order[1], d = cs$order[2],
                                    q = cs$order[3], P = cs$sorder[1], D = cs$sorder[2], Q = cs$sorder[3],
                                    period = period, n_xreg = k, names = paste(names(coef(fit)), collapse = " "),
                                    values = paste(num(coef(fit)), collapse = " "),
                                    ses = paste(num(sqrt(diag(fit$var.coef))), collapse = " "),
                                    loglik = num(fit$loglik))
  if (period == 1) {
    auto <- auto.arima(cs$y, xreg = cs$X, seasonal = FALSE)
    ord <- arimaorder(auto)
    constant <- if ("intercept" %in% names(coef(auto))) "mean" else if ("drift" %in% names(coef(auto))) "drift" else "none"
    auto_rows[[cs$name]] <- data.frame(case = cs$name, p = ord[["p"]], d = ord[["d"]], q = ord[["q"]],
                                       constant = constant, aicc = num(auto$aicc))
  }
  fc <- forecast(fit, xreg = cs$Xf, level = 95)
  forecast_rows[[cs$name]] <- data.frame(case = cs$name, h = 1:H, mean = num(fc$mean), lo95 = num(fc$lower[, 1]),
                                         hi95 = num(fc$upper[, 1]))
}
write.csv(do.call(rbind, series_rows), file.path(out_dir, "arima_xreg_series.csv"), row.names = FALSE, quote = FALSE,
          na = "NA")
write.csv(do.call(rbind, fit_rows), file.path(out_dir, "arima_xreg_fits.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, forecast_rows), file.path(out_dir, "arima_xreg_forecast.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, auto_rows), file.path(out_dir, "arima_xreg_auto.csv"), row.names = FALSE, quote = FALSE)
cat("arima xreg reference:", length(se_rows), "standard-error cases,", length(fit_rows), "regression cases\n")
