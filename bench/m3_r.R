# m3_r.R: R's forecast::ets() (automatic) and forecast::thetaf() on one
# forecasting-competition subset, scored exactly as bench/m3_bench.c scores
# carecast, so that run.sh can put the two side by side.
#
# Usage: Rscript m3_r.R [--limit N] [--subset NAME] [--models ets,theta,arima,combo] [--out FILE]
#                       [--series-out FILE] FILE.csv
#
# Input: a long-format competition CSV (series_id,category,frequency,horizon,
# split,t,value; see /work/shared/data/m3/README.md), values used as written.
# Each series is the ts of its `train` rows with frequency = its `frequency`
# column; ETS is forecast(ets(y), h) and Theta is thetaf(y, h), both with the
# default 80% and 95% intervals, h = the `horizon` column. With --models (default
# ets,theta) also ARIMA, forecast(auto.arima(y), h), and the combination
# "combo": (forecast(ets(y), h)$mean + forecast(auto.arima(y), h)$mean +
# thetaf(y, h)$mean) / 3, timed as the three together.
#   sMAPE: mean over the horizon of 200 |y - f| / (y + f) (M3 definition, percent)
#   MASE:  mean |y - f| / mean |y_t - y_{t-m}| over the training part, m = frequency
#          (the scaling of forecast::accuracy)
# Both per series, then averaged over the series. CPU time is user + system
# time of proc.time() around fitting plus forecasting only.
# Output: subset,method,n_series,smape,mase,cpu_seconds (and, with
# --series-out, subset,series_id,method,model,smape,mase,cpu_seconds, with
# model "MAdN" for ETS(M,Ad,N), "Theta", the ARIMA orders without commas, or
# "Combo").
# A series a method fails on is reported on stderr and left out of its averages.

if (!suppressMessages(requireNamespace("forecast", quietly = TRUE))) {
  message("m3_r.R: the R package 'forecast' is not installed (Debian/Ubuntu: apt-get install r-cran-forecast)")
  quit(status = 1)
}
suppressPackageStartupMessages(library(forecast))

usage <- function() {
  message("usage: Rscript m3_r.R [--limit N] [--subset NAME] [--models ets,theta,arima,combo] [--out FILE] [--series-out FILE] FILE.csv")
  quit(status = 2)
}

parse_args <- function(args) {
  opt <- list(limit = 0L, subset = NULL, out = "", series_out = NULL, path = NULL, models = c("ets", "theta"))
  i <- 1
  while (i <= length(args)) {
    a <- args[i]
    if (a %in% c("--limit", "--subset", "--out", "--series-out", "--models") && i < length(args)) {
      v <- args[i + 1]
      if (a == "--limit") opt$limit <- as.integer(v)
      if (a == "--subset") opt$subset <- v
      if (a == "--out") opt$out <- v
      if (a == "--series-out") opt$series_out <- v
      if (a == "--models") opt$models <- strsplit(v, ",", fixed = TRUE)[[1]]
      i <- i + 2
    } else if (startsWith(a, "-") || !is.null(opt$path)) {
      usage()
    } else {
      opt$path <- a
      i <- i + 1
    }
  }
  if (is.null(opt$path) || is.na(opt$limit) || opt$limit < 0) usage()
  known <- c("ets", "theta", "arima", "combo")
  if (!length(opt$models) || !all(opt$models %in% known)) usage()
  opt$models <- known[known %in% opt$models] # output in a fixed order, as m3_bench
  if (is.null(opt$subset)) opt$subset <- sub("\\.csv$", "", basename(opt$path))
  opt
}

# The series of the file in file order, each list(id, y = training ts, test, h, m).
read_series <- function(path, limit) {
  if (!file.exists(path)) {
    message("m3_r.R: cannot open ", path)
    quit(status = 1)
  }
  d <- read.csv(path, colClasses = c("character", "character", "integer", "integer", "character", "integer", "numeric"))
  ids <- unique(d$series_id)
  if (limit > 0) ids <- head(ids, limit)
  d <- d[d$series_id %in% ids, ]
  groups <- split(d, factor(d$series_id, levels = ids))
  lapply(groups, function(g) {
    g <- g[order(g$t), ]
    m <- g$frequency[1]
    train <- g$value[g$split == "train"]
    test <- g$value[g$split == "test"]
    stopifnot(length(test) == g$horizon[1])
    list(id = g$series_id[1], y = ts(train, frequency = m), test = test, h = g$horizon[1], m = m)
  })
}

fit_forecast <- function(method, y, h) {
  switch(method,
         ets = forecast(ets(y), h = h),
         theta = thetaf(y, h = h),
         arima = forecast(auto.arima(y), h = h),
         combo = list(mean = (forecast(ets(y), h = h)$mean + forecast(auto.arima(y), h = h)$mean +
                                thetaf(y, h = h)$mean) / 3))
}

# "ARIMA(1,1,0) with drift" as m3_bench writes carecast's: "ARIMA(110) drift".
arima_name <- function(text) {
  text <- sub(" with drift", " drift", sub(" with non-zero mean", " mean", sub(" with zero mean", "", text)))
  gsub(",", "", text)
}

# The model name for the per-series file, without commas.
model_name <- function(method, fc) {
  switch(method,
         ets = gsub("ETS\\(|\\)|,", "", fc$model$method), # "ETS(M,Ad,N)" -> "MAdN"
         theta = "Theta",
         arima = arima_name(forecast:::arima.string(fc$model)),
         combo = "Combo")
}

# Scores and time of one method over all series.
run_method <- function(method, all, subset, series_out) {
  cpu <- 0
  smape <- c()
  mase <- c()
  for (s in all) {
    start <- proc.time()
    fc <- tryCatch(fit_forecast(method, s$y, s$h), error = function(e) e)
    used <- proc.time() - start
    cpu <- cpu + used[["user.self"]] + used[["sys.self"]]
    if (inherits(fc, "error")) {
      message("m3_r.R: ", subset, " ", s$id, " ", method, " failed: ", conditionMessage(fc))
      next
    }
    f <- as.numeric(fc$mean)
    y <- s$test
    series_smape <- mean(200 * abs(y - f) / (y + f))
    scale <- mean(abs(diff(as.numeric(s$y), lag = s$m)))
    series_mase <- mean(abs(y - f)) / scale
    smape <- c(smape, series_smape)
    mase <- c(mase, series_mase)
    model <- model_name(method, fc)
    if (!is.null(series_out))
      cat(sprintf("%s,%s,%s,%s,%.10g,%.10g,%.6f\n", subset, s$id, method, model, series_smape, series_mase,
                  used[["user.self"]] + used[["sys.self"]]), file = series_out, append = TRUE)
  }
  finite_mase <- mase[is.finite(mase)]
  if (length(finite_mase) < length(mase))
    message("m3_r.R: ", subset, " ", method, ": ", length(mase) - length(finite_mase),
            " series with an undefined MASE (zero in-sample scale) left out of it")
  sprintf("%s,%s,%d,%.4f,%.4f,%.3f", subset, method, length(smape), mean(smape), mean(finite_mase), cpu)
}

main <- function() {
  opt <- parse_args(commandArgs(trailingOnly = TRUE))
  all <- read_series(opt$path, opt$limit)
  if (!is.null(opt$series_out))
    cat("subset,series_id,method,model,smape,mase,cpu_seconds\n", file = opt$series_out)
  lines <- c("subset,method,n_series,smape,mase,cpu_seconds",
             vapply(opt$models, run_method, "", all = all, subset = opt$subset, series_out = opt$series_out))
  writeLines(lines, if (opt$out == "") stdout() else opt$out)
}

main()
