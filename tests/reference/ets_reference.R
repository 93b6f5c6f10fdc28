#!/usr/bin/env Rscript
## ets_reference.R -- reference fixtures for carecast's exponential smoothing (ETS)
##
## Produces CSV fixtures from R's forecast::ets() (Hyndman et al. 2008 ETS family)
## against which the C implementation is tested.  Deterministic: fixed series ids,
## fixed seeds for the simulated series and for the simulated prediction intervals.
##
## Run from the repository root:
##     Rscript tests/reference/ets_reference.R
## Needs R >= 4 with the 'forecast' package (Debian: apt-get install r-cran-forecast)
## and the competition data in /work/shared/data (override with CARECAST_REF_DATA).
## Output: tests/reference/fixtures/*.csv (see tests/reference/README.md).

suppressPackageStartupMessages(library(forecast))

## ------------------------------------------------------------------ locations
script_dir <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a)) dirname(normalizePath(sub("^--file=", "", a[1]))) else "tests/reference"
})
out_dir  <- file.path(script_dir, "fixtures")
data_dir <- Sys.getenv("CARECAST_REF_DATA", "/work/shared/data")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

cat("forecast version:", as.character(packageVersion("forecast")), "\n")
cat(R.version.string, "\n")
cat("output directory:", out_dir, "\n")

## ------------------------------------------------------------------ helpers
num <- function(x) {                       # 15 significant digits, NA / Inf / -Inf literal
  x <- as.numeric(x)
  out <- sprintf("%.15g", x)
  out[is.na(x)] <- "NA"
  out
}
clean <- function(s) {                     # notes: no commas, quotes or newlines
  s <- gsub("[\r\n]+", " ", s)
  s <- gsub(",", ";", s)
  s <- gsub("\"", "'", s)
  trimws(s)
}
## RFC 4180 CSV with minimal quoting: only fields holding a comma or a double quote
## (in practice R's model strings such as ETS(M,Ad,M)) are quoted.
write_plain <- function(df, name) {
  path <- file.path(out_dir, name)
  for (j in seq_along(df)) if (is.character(df[[j]])) {
    v <- df[[j]]
    q <- !is.na(v) & grepl("[,\"]", v)
    v[q] <- paste0("\"", gsub("\"", "\"\"", v[q]), "\"")
    df[[j]] <- v
  }
  write.table(df, path, sep = ",", quote = FALSE, row.names = FALSE, col.names = TRUE,
              na = "NA")
  cat(sprintf("wrote %-30s %6d rows\n", name, nrow(df)))
}
## Run an expression, collecting warnings (muffled) and an error (if any).
capture <- function(expr) {
  warns <- character(0)
  val <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(list(msg = conditionMessage(e)),
                                                 class = "captured_error")),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(value = val, warnings = unique(warns),
       error = if (inherits(val, "captured_error")) val$msg else NULL)
}

MAXS <- 12L                                # seasonal state columns s1..s12 in the wide files
LOWER <- c(rep(1e-4, 3), 0.8)              # ets() defaults, used for the candidate replay
UPPER <- c(rep(0.9999, 3), 0.98)

## ------------------------------------------------------------------ cases
cases <- list()    # each: case, source, kind, period, y (ts), h, test (numeric or NULL), desc
add_case <- function(case, source, kind, y, h, test = NULL, desc = "") {
  cases[[length(cases) + 1L]] <<- list(case = case, source = source, kind = kind,
                                       period = frequency(y), y = y, h = h,
                                       test = test, desc = desc)
}

## M3: fixed ids, chosen for a spread of frequency, length and shape
## (statistics of the training part: length n, linear-trend R^2, seasonal range).
m3_pick <- data.frame(
  id = c("N0001", "N0010", "N0014", "N0156", "N0192",              # yearly
         "N1176", "N0874", "N0882", "N0902", "N0859",              # quarterly
         "N2479", "N2088", "N2485", "N1874", "N1893", "N2786",     # monthly
         "N2831", "N2832", "N2853", "N2851"),                      # other
  desc = c("yearly short n=14 strong trend",
           "yearly short n=14 strong trend",
           "yearly short n=14 flat",
           "yearly long n=41 trending",
           "yearly long n=41 no clear trend",
           "quarterly short n=16 strong seasonality",
           "quarterly n=60 strong seasonality no trend",
           "quarterly n=63 trend and seasonality",
           "quarterly n=64 flat non-seasonal",
           "quarterly n=56 smooth trend non-seasonal",
           "monthly short n=48 seasonal",
           "monthly n=126 very strong seasonality",
           "monthly n=126 smooth trend",
           "monthly n=108 flat nearly constant",
           "monthly n=126 trend and seasonality",
           "monthly n=78 strong seasonality (test value t=84 is -1200 as in M3C.xls)",
           "other n=96",
           "other n=96 volatile",
           "other n=70 finance",
           "other n=96 finance (last test value 6050.25 as in M3C.xls)"),
  stringsAsFactors = FALSE)

read_long <- function(f) read.csv(f, stringsAsFactors = FALSE, colClasses = c(value = "numeric"))
m3 <- do.call(rbind, lapply(c("yearly", "quarterly", "monthly", "other"), function(k)
  read_long(file.path(data_dir, "m3", sprintf("m3_%s.csv", k)))))
m3 <- m3[m3$series_id %in% m3_pick$id, ]
kind_of_id <- function(id) {
  k <- as.integer(sub("^N", "", id))
  if (k <= 645) "yearly" else if (k <= 1401) "quarterly" else if (k <= 2829) "monthly" else "other"
}
for (i in seq_len(nrow(m3_pick))) {
  id <- m3_pick$id[i]
  s <- m3[m3$series_id == id, ]
  s <- s[order(s$t), ]
  tr <- s[s$split == "train", ]
  te <- s[s$split == "test", ]
  stopifnot(nrow(tr) > 0, nrow(te) == s$horizon[1])
  add_case(paste0("m3_", id), "m3", kind_of_id(id),
           ts(tr$value, frequency = tr$frequency[1]), h = tr$horizon[1],
           test = te$value, desc = m3_pick$desc[i])
}

## Tourism: two seasonal series (first monthly and first quarterly ids)
tour_pick <- list(c("monthly", "m1", "tourism monthly n=163 seasonal"),
                  c("quarterly", "q1", "tourism quarterly n=55 strongly seasonal"))
for (p in tour_pick) {
  d <- read_long(file.path(data_dir, "tourism", sprintf("tourism_%s.csv", p[1])))
  s <- d[d$series_id == p[2], ]
  s <- s[order(s$t), ]
  tr <- s[s$split == "train", ]
  te <- s[s$split == "test", ]
  add_case(paste0("tourism_", p[2]), "tourism", p[1],
           ts(tr$value, frequency = tr$frequency[1]), h = tr$horizon[1],
           test = te$value, desc = p[3])
}

## Simulated series (fixed seed, generated in a fixed order)
set.seed(20240917)
sim_h <- function(m) if (m > 1 && m <= 24) 2L * m else 8L
add_sim <- function(case, y, desc) add_case(case, "sim", "simulated", y, sim_h(frequency(y)),
                                            desc = desc)

add_sim("sim_constant", ts(rep(250, 20), frequency = 1),
        "constant 250 n=20 (auto ets takes its constant-series shortcut)")

tt <- 1:40
add_sim("sim_linear", ts(5 + 0.75 * tt + rnorm(40, 0, 0.05), frequency = 1),
        "exactly linear 5+0.75t plus N(0;0.05^2) noise n=40")

local({                                   # ETS(A,Ad,N) generating process
  n <- 60; l <- 100; b <- 3; alpha <- 0.4; beta <- 0.1; phi <- 0.85
  y <- numeric(n)
  for (t in 1:n) {
    e <- rnorm(1, 0, 1.5)
    y[t] <- l + phi * b + e
    lnew <- l + phi * b + alpha * e
    b <- phi * b + beta * e
    l <- lnew
  }
  add_sim("sim_damped", ts(y, frequency = 1),
          "ETS(A;Ad;N) l0=100 b0=3 alpha=0.4 beta=0.1 phi=0.85 sigma=1.5 n=60")
})

local({                                   # strong multiplicative seasonality
  n <- 120; t <- 1:n
  level <- 100 + 3 * t
  seas <- 1 + 0.6 * sin(2 * pi * t / 12) + 0.15 * cos(4 * pi * t / 12)
  y <- level * seas * (1 + rnorm(n, 0, 0.03))
  add_sim("sim_mult_seasonal", ts(y, frequency = 12),
          "monthly n=120 level 100+3t times seasonal factor 0.4..1.6 times (1+N(0;0.03^2))")
})

add_sim("sim_short_8", ts(50 + 2 * (1:8) + rnorm(8, 0, 2), frequency = 1),
        "yearly-like n=8 linear trend plus noise")

add_sim("sim_short_12q", ts(100 + rep(c(12, -6, 4, -10), 3) + rnorm(12, 0, 2), frequency = 4),
        "quarterly n=12 additive seasonal no trend")

add_sim("sim_short_15", ts(100 + cumsum(rnorm(15, 0, 3)), frequency = 1),
        "random walk n=15")

local({                                   # scattered NAs
  n <- 96; t <- 1:n
  y <- 500 + 2 * t + 40 * sin(2 * pi * t / 12) + rnorm(n, 0, 8)
  y[c(14, 63, 80)] <- NA
  add_sim("sim_na_scattered", ts(y, frequency = 12),
          "monthly n=96 additive seasonal trend; NA at t=14;63;80")
})

local({                                   # a run of 3 NAs
  n <- 60; t <- 1:n
  y <- 20 + 0.5 * t + rnorm(n, 0, 1)
  y[41:43] <- NA
  add_sim("sim_na_run3", ts(y, frequency = 1),
          "n=60 trend plus noise; NA run t=41..43")
})

local({                                   # na.contiguous tie: two stretches of 20
  n <- 41; t <- 1:n
  y <- 80 + rep(c(6, -3, 2, -5), length.out = n) + rnorm(n, 0, 1.5)
  y[21] <- NA
  add_sim("sim_na_tie", ts(y, frequency = 4),
          "quarterly n=41; single NA at t=21 leaves two stretches of 20 (R keeps the later one)")
})

local({                                   # crosses zero: multiplicative models refused
  n <- 40; t <- 1:n
  y <- -10 + 0.5 * t + rep(c(6, -6, 3, -3), 10) + rnorm(n, 0, 1)
  add_sim("sim_negative", ts(y, frequency = 4),
          "quarterly n=40 additive seasonal crossing zero (non-positive values)")
})

local({                                   # period 7
  n <- 84; t <- 1:n
  f <- c(0.7, 0.9, 1.0, 1.05, 1.1, 1.4, 0.85)
  y <- (200 + 0.5 * t) * rep(f, 12) * (1 + rnorm(n, 0, 0.02))
  add_sim("sim_period7", ts(y, frequency = 7),
          "period 7 n=84 multiplicative weekly pattern slow trend")
})

local({                                   # period 52 (> 24)
  n <- 156; t <- 1:n
  y <- 1000 + 100 * sin(2 * pi * t / 52) + rnorm(n, 0, 20)
  add_sim("sim_weekly52", ts(y, frequency = 52),
          "period 52 n=156 (seasonal models refused; auto ignores seasonality)")
})

local({                                   # short monthly, n < 3m
  n <- 30; t <- 1:n
  y <- 300 + 25 * sin(2 * pi * t / 12) + 10 * cos(2 * pi * t / 12) + rnorm(n, 0, 4)
  add_sim("sim_monthly_30", ts(y, frequency = 12),
          "monthly n=30 seasonal (n < 3m: initial states from trend+Fourier regression)")
})

## ------------------------------------------------------------------ model lists
nonseasonal_models <- c("ANN", "AAN", "AAdN", "MNN", "MAN", "MAdN", "MMN", "MMdN")
seasonal_models <- c("ANA", "AAA", "AAdA", "MNA", "MAA", "MAdA",
                     "MNM", "MAM", "MAdM", "MMM", "MMdM")
split_code <- function(code) {             # "MAdM" -> components
  damped <- grepl("d", code)
  c3 <- gsub("d", "", code)
  list(e = substr(c3, 1, 1), t = substr(c3, 2, 2), s = substr(c3, 3, 3),
       damped = damped, model = c3)
}

## Which prediction-interval method forecast.ets() uses (mirrors its dispatch).
pi_info <- function(comp) {
  e <- comp[1]; t <- comp[2]; s <- comp[3]
  if (e == "A" && t %in% c("A", "N") && s %in% c("N", "A")) return(c("analytic", "class1"))
  if (e == "M" && t %in% c("A", "N") && s %in% c("N", "A")) return(c("analytic", "class2"))
  if (e == "M" && s == "M" && t != "M") return(c("analytic", "class3"))
  c("simulated", "simulated")
}

## Point forecasts from the state recursion alone (the C routine R uses for
## simulated intervals); differs from the reported mean only for class 3.
point_forecast <- function(fit, h) {
  n <- length(fit$x)
  comp <- fit$components
  phi <- if (comp[4] == "FALSE") 1 else fit$par["phi"]
  .C("etsforecast", as.double(fit$states[n + 1, ]), as.integer(fit$m),
     as.integer(switch(comp[2], N = 0, A = 1, M = 2)),
     as.integer(switch(comp[3], N = 0, A = 1, M = 2)),
     as.double(phi), as.integer(h), as.double(numeric(h)), PACKAGE = "forecast")[[7]]
}

## Point forecasts by the textbook recursion (Hyndman et al. 2008, Table 2.1):
## damping multiplier phi_h = phi + phi^2 + ... + phi^h, seasonal state
## s_{m - ((h-1) mod m)} of the last state vector (s1 = most recent).
point_exact <- function(fit, h) {
  n <- length(fit$x); comp <- fit$components; m <- fit$m
  x <- fit$states[n + 1, ]
  phi <- if (comp[4] == "FALSE") 1 else unname(fit$par["phi"])
  l <- x[["l"]]; b <- if (comp[2] != "N") x[["b"]] else 0
  sapply(seq_len(h), function(k) {
    ph <- sum(phi^(1:k))
    base <- switch(comp[2], N = l, A = l + ph * b, M = l * b^ph)
    if (comp[3] == "N") return(base)
    sk <- x[[paste0("s", m - ((k - 1) %% m))]]
    if (comp[3] == "A") base + sk else base * sk
  })
}

getpar <- function(fit, nm) if (!is.null(fit$par) && nm %in% names(fit$par)) unname(fit$par[nm]) else NA
field <- function(fit, nm) { v <- fit[[nm]]; if (is.null(v)) NA else v }

## Row describing one fitted model (wide).
fit_row <- function(fit) {
  is_ets_fit <- !is.null(fit$loglik)      # HoltWintersZZ fallbacks / shortcut have no loglik
  st <- fit$initstate
  sv <- rep(NA_real_, MAXS)
  sn <- grep("^s[0-9]+$", names(st), value = TRUE)
  if (length(sn)) sv[seq_along(sn)] <- st[sn]
  np <- if (is_ets_fit) length(fit$par) + 1L else NA
  c(list(model = fit$method,
         fit_method = if (is_ets_fit) "etsmodel" else "HoltWintersZZ",
         n_used = length(fit$x), np = np,
         alpha = getpar(fit, "alpha"), beta = getpar(fit, "beta"),
         gamma = getpar(fit, "gamma"), phi = getpar(fit, "phi"),
         l = if ("l" %in% names(st)) st[["l"]] else NA,
         b = if ("b" %in% names(st)) st[["b"]] else NA),
    setNames(as.list(sv), paste0("s", 1:MAXS)),
    list(sigma2 = field(fit, "sigma2"), loglik = field(fit, "loglik"),
         aic = field(fit, "aic"), aicc = field(fit, "aicc"), bic = field(fit, "bic"),
         mse = field(fit, "mse"), amse = field(fit, "amse"),
         nm_value = if (is_ets_fit && !is.null(fit$fit)) fit$fit$value else NA,
         nm_fncount = if (is_ets_fit && !is.null(fit$fit)) fit$fit$fncount else NA,
         nm_fail = if (is_ets_fit && !is.null(fit$fit)) fit$fit$fail else NA))
}
empty_fit_row <- function() {
  r <- fit_row(list(method = "", x = numeric(0), initstate = c(l = NA)))
  r$model <- NA; r$fit_method <- "none"; r$n_used <- NA
  r
}

## Forecast rows (long) for one fit.
## Seed for simulated intervals: a function of case and model only, so both inputs
## of an NA case draw the same paths.
fc_seed <- function(case, label) {
  v <- utf8ToInt(paste(case, label))
  as.integer(sum(v * seq_along(v)) %% 1000003L)
}
forecast_rows <- function(case, input, label, fit, h) {
  pm <- pi_info(fit$components)
  set.seed(fc_seed(case, label))          # only matters for simulated intervals
  cf <- capture(forecast(fit, h = h, level = c(80, 95)))
  if (!is.null(cf$error))
    return(list(rows = NULL, note = paste("forecast failed:", cf$error)))
  fc <- cf$value
  pt <- tryCatch(point_forecast(fit, h), error = function(e) rep(NA_real_, h))
  px <- point_exact(fit, h)
  if (pm[2] %in% c("class1", "class2")) {   # these means must equal the textbook recursion
    ok <- isTRUE(all.equal(as.numeric(fc$mean), px, tolerance = 1e-10))
    checks$mean <<- checks$mean + ok
    if (!ok) checks$bad <<- c(checks$bad, paste(case, input, label, "class1/2 mean"))
  }
  lo <- if (is.null(fc$lower)) matrix(NA_real_, h, 2) else as.matrix(fc$lower)
  hi <- if (is.null(fc$upper)) matrix(NA_real_, h, 2) else as.matrix(fc$upper)
  list(rows = data.frame(case = case, input = input, model = label, h = 1:h,
                         mean = num(fc$mean), point = num(pt), point_exact = num(px),
                         lo80 = num(lo[, 1]), hi80 = num(hi[, 1]),
                         lo95 = num(lo[, 2]), hi95 = num(hi[, 2]),
                         pi_method = pm[1], pi_class = pm[2], stringsAsFactors = FALSE),
       note = if (length(cf$warnings)) paste("forecast warning:", paste(cf$warnings, collapse = " | ")) else "")
}

## ------------------------------------------------------------------ checks
checks <- list(loglik = 0, sigma2 = 0, ic = 0, auto = 0, na = 0, mean = 0, bad = character(0))
check_fit <- function(label, fit) {
  if (is.null(fit$loglik) || !is.finite(fit$loglik)) return(invisible())
  e <- as.numeric(residuals(fit)); f <- as.numeric(fitted(fit)); n <- length(e)
  lik <- n * log(sum(e^2))
  if (fit$components[1] == "M") lik <- lik + 2 * sum(log(abs(f)))
  np <- length(fit$par) + 1
  ok1 <- abs(-0.5 * lik - fit$loglik) <= 1e-8 * max(1, abs(fit$loglik))
  ok2 <- abs(sum(e^2) / (n - length(fit$par)) - fit$sigma2) <= 1e-10 * max(1e-300, fit$sigma2)
  aic <- -2 * fit$loglik + 2 * np
  ok3 <- abs(aic - fit$aic) < 1e-8 * max(1, abs(aic)) &&
    abs(aic + 2 * np * (np + 1) / (n - np - 1) - fit$aicc) < 1e-8 * max(1, abs(aic)) &&
    abs(-2 * fit$loglik + log(n) * np - fit$bic) < 1e-8 * max(1, abs(aic))
  checks$loglik <<- checks$loglik + ok1
  checks$sigma2 <<- checks$sigma2 + ok2
  checks$ic <<- checks$ic + ok3
  if (!(ok1 && ok2 && ok3)) checks$bad <<- c(checks$bad, label)
}

## ------------------------------------------------------------------ run
series_rows <- list(); test_rows <- list(); case_rows <- list(); na_rows <- list()
fixed_rows <- list(); fixed_fc <- list(); start_rows <- list()
auto_rows <- list(); auto_fc <- list(); cand_rows <- list()

for (cs in cases) {
  y <- cs$y; m <- cs$period; n <- length(y); case <- cs$case
  cat(sprintf("case %-22s m=%-3d n=%-4d h=%d\n", case, m, n, cs$h))
  yc <- na.contiguous(y)                   # what ets() will use with its default na.action
  used <- if (anyNA(y)) {
    tm <- round((time(yc) - tsp(y)[1]) * m) + 1
    c(min(tm), max(tm))
  } else c(1L, n)
  in_fit <- as.integer(seq_len(n) >= used[1] & seq_len(n) <= used[2])
  series_rows[[case]] <- data.frame(case = case, period = m, t = seq_len(n),
                                    value = num(y), in_fit = in_fit)
  if (!is.null(cs$test))
    test_rows[[case]] <- data.frame(case = case, h = seq_along(cs$test), value = num(cs$test))
  case_rows[[case]] <- data.frame(case = case, source = cs$source, kind = cs$kind, period = m,
                                  n = n, n_na = sum(is.na(y)), used_start = used[1],
                                  used_end = used[2], n_used = used[2] - used[1] + 1L,
                                  h = cs$h, positive = as.integer(min(y, na.rm = TRUE) > 0),
                                  description = clean(cs$desc))
  inputs <- list(y = y)
  if (anyNA(y)) inputs[["na.contiguous(y)"]] <- yc

  res_by_input <- list()
  for (inp in names(inputs)) {
    yy <- inputs[[inp]]
    yused <- na.contiguous(yy)
    key <- character(0)                    # fingerprint for the NA comparison
    ## ---- fixed models
    models <- nonseasonal_models
    if (m > 1) models <- c(models, seasonal_models)
    for (code in models) {
      sc <- split_code(code)
      r <- capture(ets(yy, model = sc$model, damped = sc$damped))
      note <- if (length(r$warnings)) paste("warning:", paste(r$warnings, collapse = " | ")) else ""
      if (!is.null(r$error)) {
        row <- c(list(case = case, input = inp, model_req = code, status = "refused"),
                 empty_fit_row(), list(note = clean(paste("R refused:", r$error))))
        fixed_rows[[length(fixed_rows) + 1L]] <- as.data.frame(lapply(row, function(v) if (is.numeric(v)) num(v) else v),
                                                               stringsAsFactors = FALSE)
        key <- c(key, paste(code, "refused"))
        next
      }
      fit <- r$value
      fr <- fit_row(fit)
      status <- if (fr$fit_method == "etsmodel") "ok" else "fallback"
      if (status == "fallback")
        note <- paste(note, "n <= npars+4: ets() returned a HoltWintersZZ fit (no likelihood)")
      if (status == "ok") {
        check_fit(paste(case, inp, code), fit)
        ## starting values exactly as etsmodel() builds them
        sm <- if (sc$s != "N") m else 1
        p0 <- forecast:::initparam(NULL, NULL, NULL, NULL, sc$t, sc$s, sc$damped,
                                   LOWER, UPPER, sm, "both")
        s0 <- forecast:::initstate(yused, sc$t, sc$s)
        st0 <- c(p0, s0)
        start_rows[[length(start_rows) + 1L]] <- data.frame(
          case = case, input = inp, model = code, param = names(st0), start = num(st0),
          stringsAsFactors = FALSE)
      }
      fo <- forecast_rows(case, inp, code, fit, cs$h)
      if (nzchar(fo$note)) note <- paste(note, fo$note)
      if (!is.null(fo$rows)) fixed_fc[[length(fixed_fc) + 1L]] <- fo$rows
      row <- c(list(case = case, input = inp, model_req = code, status = status), fr,
               list(note = clean(note)))
      row <- as.data.frame(lapply(row, function(v) if (is.numeric(v)) num(v) else v),
                           stringsAsFactors = FALSE)
      fixed_rows[[length(fixed_rows) + 1L]] <- row
      key <- c(key, paste(code, paste(unlist(row[, !(names(row) %in% c("case", "input", "note"))]), collapse = ";")),
               if (!is.null(fo$rows)) paste(unlist(fo$rows[, c("mean", "lo80", "hi95")]), collapse = ";"))
    }

    ## ---- automatic selection
    r <- capture(ets(yy))
    note <- if (length(r$warnings)) paste("warning:", paste(r$warnings, collapse = " | ")) else ""
    if (!is.null(r$error)) {
      row <- c(list(case = case, input = inp, status = "failed"), empty_fit_row(),
               list(n_candidates = 0, note = clean(paste("R failed:", r$error))))
      auto_rows[[length(auto_rows) + 1L]] <- as.data.frame(lapply(row, function(v) if (is.numeric(v)) num(v) else v),
                                                           stringsAsFactors = FALSE)
      next
    }
    afit <- r$value
    constant <- forecast:::is.constant(yy)
    fr <- fit_row(afit)
    ## replay of the candidate loop in ets(): same order, same skips, same etsmodel() call
    ny <- length(yused)
    etypes <- c("A", "M"); ttypes <- c("N", "A")
    stypes <- if (m == 1 || ny <= m || m > 24) "N" else c("N", "A", "M")
    positive <- min(yused) > 0
    nc <- 0L
    best <- list(ic = Inf, label = NA)
    if (!constant) {
      order <- 0L
      for (e in etypes) for (t in ttypes) for (s in stypes) for (d in c(TRUE, FALSE)) {
        if (t == "N" && d) next
        if (e == "A" && (t == "M" || s == "M")) next
        if (e == "M" && t == "M" && s == "A") next
        if (!positive && e == "M") next
        order <- order + 1L
        label <- paste0(e, t, if (d) "d" else "", s)
        cf <- capture(forecast:::etsmodel(yused, e, t, s, d, NULL, NULL, NULL, NULL,
                                          lower = LOWER, upper = UPPER, opt.crit = "lik",
                                          nmse = 3, bounds = "both"))
        cnote <- ""
        if (!is.null(cf$error)) {
          aicc <- Inf; aic <- bic <- loglik <- NA
          cnote <- paste("etsmodel error (counts as Inf):", cf$error)
        } else {
          aicc <- cf$value$aicc; aic <- cf$value$aic; bic <- cf$value$bic
          loglik <- if (is.null(cf$value$loglik)) NA else cf$value$loglik
          if (is.infinite(aicc) && is.null(cf$value$fit))
            cnote <- "np >= n-1: etsmodel returns aicc=Inf without fitting"
        }
        if (!is.na(aicc) && aicc < best$ic) best <- list(ic = aicc, label = label)
        ## explicit refit of the same candidate through ets()
        ex <- capture(ets(yy, model = paste0(e, t, s), damped = d))
        aicc_ex <- if (is.null(ex$error) && !is.null(ex$value$aicc)) ex$value$aicc else NA
        if (!is.null(ex$error)) cnote <- paste(cnote, "explicit ets() refused:", ex$error)
        else if (is.null(ex$value$aicc)) cnote <- paste(cnote, "explicit ets() fell back to HoltWintersZZ (n <= npars+4)")
        else if (!isTRUE(all.equal(aicc_ex, aicc, tolerance = 1e-12)))
          cnote <- paste(cnote, "explicit ets() aicc differs from the auto loop")
        cand_rows[[length(cand_rows) + 1L]] <- data.frame(
          case = case, input = inp, order = order, model = label, errortype = e,
          trendtype = t, seasontype = s, damped = as.integer(d),
          aicc = num(aicc), aic = num(aic), bic = num(bic), loglik = num(loglik),
          aicc_explicit = num(aicc_ex), chosen = 0L, note = clean(cnote),
          stringsAsFactors = FALSE)
        nc <- nc + 1L
      }
      ## mark the chosen one and check it against ets()'s choice
      chosen_label <- gsub("[(),]", "", sub("^ETS", "", afit$method))
      idx <- which(sapply(cand_rows, function(d) d$case == case && d$input == inp &&
                                                 d$model == chosen_label))
      if (length(idx)) cand_rows[[idx]]$chosen <- 1L
      ok <- identical(best$label, chosen_label) && isTRUE(all.equal(best$ic, afit$aicc))
      checks$auto <- checks$auto + ok
      if (!ok) checks$bad <- c(checks$bad, paste(case, inp, "auto choice"))
      check_fit(paste(case, inp, "auto"), afit)
    } else {
      note <- paste(note, "constant series: ets() returns ses(y; alpha=0.99999; initial='simple')$model without any candidate")
    }
    fo <- forecast_rows(case, inp, "auto", afit, cs$h)
    if (!is.null(fo$rows)) auto_fc[[length(auto_fc) + 1L]] <- fo$rows
    if (nzchar(fo$note)) note <- paste(note, fo$note)
    status <- if (constant) "constant-shortcut" else if (fr$fit_method == "etsmodel") "ok" else "fallback"
    row <- c(list(case = case, input = inp, status = status), fr,
             list(n_candidates = nc, note = clean(note)))
    row <- as.data.frame(lapply(row, function(v) if (is.numeric(v)) num(v) else v),
                         stringsAsFactors = FALSE)
    auto_rows[[length(auto_rows) + 1L]] <- row
    key <- c(key, paste(unlist(row[, !(names(row) %in% c("case", "input", "note"))]), collapse = ";"),
             if (!is.null(fo$rows)) paste(unlist(fo$rows[, c("mean", "lo80", "hi95")]), collapse = ";"))
    res_by_input[[inp]] <- key
  }

  if (anyNA(y)) {
    same <- identical(res_by_input[["y"]], res_by_input[["na.contiguous(y)"]])
    checks$na <- checks$na + same
    if (!same) checks$bad <- c(checks$bad, paste(case, "NA input mismatch"))
    na_rows[[case]] <- data.frame(
      case = case, period = m, n = n, na_positions = paste(which(is.na(y)), collapse = ";"),
      used_start = used[1], used_end = used[2], n_used = used[2] - used[1] + 1L,
      fits_identical = as.integer(same),
      rule = clean(paste0("na.contiguous: kept t=", used[1], "..", used[2],
                          "; stretches (start..end:length) = ",
                          paste(local({
                            g <- !is.na(y); r <- rle(g); e <- cumsum(r$lengths); s <- e - r$lengths + 1
                            paste0(s[r$values], "..", e[r$values], ":", r$lengths[r$values])
                          }), collapse = " "))),
      stringsAsFactors = FALSE)
  }
}

## ------------------------------------------------------------------ write
bind <- function(l) do.call(rbind, unname(l))
write_plain(bind(case_rows), "ets_cases.csv")
write_plain(bind(series_rows), "ets_series.csv")
write_plain(bind(test_rows), "ets_m3_test.csv")
write_plain(bind(na_rows), "ets_na_cases.csv")
write_plain(bind(fixed_rows), "ets_fixed.csv")
write_plain(bind(fixed_fc), "ets_fixed_forecast.csv")
write_plain(bind(start_rows), "ets_fixed_start.csv")
write_plain(bind(auto_rows), "ets_auto.csv")
write_plain(bind(cand_rows), "ets_auto_candidates.csv")
write_plain(bind(auto_fc), "ets_auto_forecast.csv")

cat("\nself-checks (R's own outputs against the formulas in README.md):\n")
cat("  loglik = -0.5*(n*log(SSE) [+ 2*sum(log|fitted|)]) :", checks$loglik, "fits\n")
cat("  sigma2 = SSE/(n - length(par))                      :", checks$sigma2, "fits\n")
cat("  aic/aicc/bic with np = length(par)+1                :", checks$ic, "fits\n")
cat("  auto choice = argmin aicc of replayed candidates    :", checks$auto, "cases\n")
cat("  NA cases: y and na.contiguous(y) give same output   :", checks$na, "cases\n")
cat("  class 1/2 forecast mean = point_exact               :", checks$mean, "forecasts\n")
if (length(checks$bad)) {
  cat("  FAILED:", paste(checks$bad, collapse = "; "), "\n")
  quit(status = 1)
}
cat("all checks passed\n")
