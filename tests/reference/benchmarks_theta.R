# benchmarks_theta.R: reference forecasts from R's forecast package (8.20)
# for the benchmark families (mean, naive, snaive, drift, naive2) and Theta.
#
# Run from anywhere:   Rscript tests/reference/benchmarks_theta.R [M3_DIR]
# M3_DIR defaults to /work/shared/data/m3 (see its README for the format).
# Writes, next to this script:
#   fixtures/benchmarks_theta_series.csv  case,period,t,value   (the inputs; NA = missing)
#   fixtures/benchmarks_theta.csv         case,model,series,h,mean,lo80,hi80,lo95,hi95
# which tests/unit/test_benchmarks.c compares carecast against.
#
# Models and the R calls that define them:
#   mean    forecast::meanf   (t-quantile intervals: the C test converts them, see there)
#   naive   forecast::naive
#   snaive  forecast::snaive
#   drift   forecast::rwf(drift = TRUE)
#   theta   forecast::thetaf  (not for series with missing values: thetaf
#           stops in acf() for seasonal data and fits ses() to the longest
#           contiguous stretch otherwise; carecast treats missing values in
#           the state-space way instead, so there is no R reference)
#   naive2  the M4 competition's Naive2 benchmark (M4-methods, Benchmarks and
#           Evaluation.R): the seasonality test with tcrit 1.645 for n >= 3m,
#           then classical multiplicative decompose(), naive() on the
#           seasonally adjusted series and the forecasts -- and, as carecast
#           defines them, the interval bounds -- multiplied by the last
#           period's seasonal indices. acf() is called with na.pass so that
#           series with missing values can be tested (the M4 code has none),
#           and decompose() is run on such series through decomposable().
suppressPackageStartupMessages(library(forecast))
stopifnot(packageVersion("forecast") == "8.20")

args <- commandArgs(trailingOnly = TRUE)
m3_dir <- if (length(args) >= 1) args[1] else "/work/shared/data/m3"
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

# M4 benchmarks' SeasonalityTest (90% two-sided, tcrit 1.645, needs n >= 3m).
m4_seasonal <- function(x, m) {
  if (m <= 1 || length(x) < 3 * m) return(FALSE)
  r <- acf(x, lag.max = m, plot = FALSE, na.action = na.pass)$acf[-1, 1, 1]
  limit <- 1.645 / sqrt(length(x)) * sqrt(1 + 2 * sum(r[seq_len(m - 1)]^2))
  abs(r[m]) > limit
}

# decompose() refuses internal NAs only through na.omit.ts(); given the same
# numbers as a plain vector carrying the ts attributes it runs its own
# algorithm unchanged (filter() gives NA trend near a gap, the seasonal
# means skip NAs), which is what carecast's decomposition does.
decomposable <- function(x) {
  if (!anyNA(x)) return(x)
  plain <- as.numeric(x)
  attr(plain, "tsp") <- tsp(x)
  plain
}

naive2 <- function(x, h) {
  m <- frequency(x)
  index_ahead <- rep(1, h)
  if (m > 1 && m4_seasonal(x, m)) {
    seasonal <- decompose(decomposable(x), type = "multiplicative")$seasonal
    x <- x / seasonal
    index_ahead <- rep(tail(seasonal, m), trunc(1 + h / m))[1:h]
  }
  fc <- naive(x, h = h, level = c(80, 95))
  list(mean = as.numeric(fc$mean) * index_ahead,
       lower = as.matrix(fc$lower) * index_ahead,
       upper = as.matrix(fc$upper) * index_ahead)
}

# The cases: M3 training parts and simulated series.
cases <- list()
add <- function(name, source, x, h) cases[[length(cases) + 1]] <<- list(name = name, source = source, x = x, h = h)
add("m3_monthly_N1402", "M3 N1402", m3_series("m3_monthly.csv", "N1402"), 18)
add("m3_monthly_N1887", "M3 N1887", m3_series("m3_monthly.csv", "N1887"), 18)
add("m3_monthly_N2081", "M3 N2081", m3_series("m3_monthly.csv", "N2081"), 18)
add("m3_quarterly_N0646", "M3 N0646", m3_series("m3_quarterly.csv", "N0646"), 8)
add("m3_quarterly_N1131", "M3 N1131", m3_series("m3_quarterly.csv", "N1131"), 8)
add("m3_yearly_N0001", "M3 N0001", m3_series("m3_yearly.csv", "N0001"), 6)
add("m3_yearly_N0195", "M3 N0195", m3_series("m3_yearly.csv", "N0195"), 6)
add("m3_other_N2830", "M3 N2830", m3_series("m3_other.csv", "N2830"), 8)

set.seed(20240401)
t72 <- 1:72
add("sim_monthly_multiplicative", "simulated",
    ts((200 + 2 * t72) * (1 + 0.3 * sin(2 * pi * t72 / 12)) * exp(rnorm(72, 0, 0.03)), frequency = 12), 24)
add("sim_random_walk_drift", "simulated", ts(100 + cumsum(rnorm(50, 0.8, 2))), 10)
add("sim_white_noise_quarterly", "simulated", ts(rnorm(40, 50, 5), frequency = 4), 8)
t32 <- 1:32
add("sim_quarterly_seasonal", "simulated",
    ts(80 * c(0.7, 1.2, 1.3, 0.8)[(t32 - 1) %% 4 + 1] + rnorm(32, 0, 2), frequency = 4), 8)
x <- (300 + 1.5 * t72) * (1 + 0.25 * cos(2 * pi * t72 / 12)) + rnorm(72, 0, 6)
x[c(17, 40, 41)] <- NA
add("sim_monthly_missing", "simulated", ts(x, frequency = 12), 12)
x <- 20 + cumsum(rnorm(30, 0, 1))
x[c(8, 21)] <- NA
add("sim_annual_missing", "simulated", ts(x), 6)
x <- rnorm(25, 10, 3)
x[c(1, 12)] <- NA
add("sim_annual_missing_first", "simulated", ts(x), 5)
add("short_annual_5", "simulated", ts(c(12, 15, 11, 16, 14)), 4)
add("short_quarterly_10", "simulated", ts(c(31, 45, 52, 30, 35, 47, 55, 33, 36, 50), frequency = 4), 8)
add("short_monthly_20", "simulated", ts(round(50 + 10 * sin(2 * pi * (1:20) / 12) + rnorm(20, 0, 2), 1), frequency = 12), 12)
add("sim_negative_trend", "simulated", ts(5 - 0.4 * (1:40) + rnorm(40, 0, 1.5)), 8)

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
rows <- character(0)
series_rows <- character(0)
emit <- function(case, model, source, mean, lower, upper) {
  h <- seq_along(mean)
  rows <<- c(rows, sprintf("%s,%s,%s,%d,%s,%s,%s,%s,%s", case, model, source, h, fmt(mean),
                           fmt(lower[, 1]), fmt(upper[, 1]), fmt(lower[, 2]), fmt(upper[, 2])))
}
for (cs in cases) {
  x <- cs$x
  h <- cs$h
  series_rows <- c(series_rows, sprintf("%s,%d,%d,%s", cs$name, frequency(x), seq_along(x), fmt(as.numeric(x))))
  fits <- list(mean = meanf(x, h = h, level = c(80, 95)),
               naive = naive(x, h = h, level = c(80, 95)),
               snaive = snaive(x, h = h, level = c(80, 95)),
               drift = rwf(x, h = h, drift = TRUE, level = c(80, 95)))
  if (!anyNA(x)) fits$theta <- thetaf(x, h = h, level = c(80, 95))
  for (model in names(fits)) {
    fc <- fits[[model]]
    emit(cs$name, model, cs$source, as.numeric(fc$mean), as.matrix(fc$lower), as.matrix(fc$upper))
  }
  fc <- naive2(x, h)
  emit(cs$name, "naive2", cs$source, fc$mean, fc$lower, fc$upper)
}
writeLines(c("case,period,t,value", series_rows), file.path(out_dir, "benchmarks_theta_series.csv"))
writeLines(c("case,model,series,h,mean,lo80,hi80,lo95,hi95", rows), file.path(out_dir, "benchmarks_theta.csv"))
cat(sprintf("wrote %d cases, %d forecast rows to %s\n", length(cases), length(rows), out_dir))
