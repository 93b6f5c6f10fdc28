# optim_reference.R: R's optim(method = "Nelder-Mead") on fixed test
# functions, the reference for src/ts/optim.c (tests/unit/test_optim.c).
# Run from the repository root: Rscript tests/reference/optim_reference.R
# Writes tests/reference/fixtures/optim_nelder_mead.csv:
#   problem,maxit,evaluations,value,x1..x5 (NA past the problem's dimension)
# (rows named *_bfgsS are optim(method = "BFGS") with parscale S; evaluations
# there counts gradients).
rosenbrock <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
bumpy <- function(x) sum((x - seq_along(x))^2) + sqrt(prod(abs(x)))
quadratic <- function(x) sum((1:3) * (x - c(0.5, -2, 3))^2)
problems <- list(
  list(name = "rosenbrock", f = rosenbrock, start = c(-1.2, 1)),
  list(name = "bumpy", f = bumpy, start = c(0.5, 0.2, 3, 1, 2)),
  list(name = "quadratic", f = quadratic, start = c(0, 0, 0))
)
rows <- list()
for (p in problems) for (maxit in c(50, 2000)) {
  o <- optim(p$start, p$f, method = "Nelder-Mead", control = list(maxit = maxit, reltol = sqrt(.Machine$double.eps)))
  x <- c(o$par, rep(NA, 5 - length(o$par)))
  rows[[length(rows) + 1]] <- data.frame(problem = p$name, maxit = maxit, evaluations = o$counts[["function"]],
                                         value = o$value, x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5])
}
# BFGS with optim's numerical gradient (and a parameter scale for one problem).
for (p in problems) for (scale in c(1, 10)) {
  o <- optim(p$start, p$f, method = "BFGS", control = list(parscale = rep(scale, length(p$start))))
  x <- c(o$par, rep(NA, 5 - length(o$par)))
  rows[[length(rows) + 1]] <- data.frame(problem = paste0(p$name, "_bfgs", scale), maxit = 100, evaluations = o$counts[["gradient"]],
                                         value = o$value, x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5])
}
out <- do.call(rbind, rows)
dir.create("tests/reference/fixtures", showWarnings = FALSE, recursive = TRUE)
write.csv(out, "tests/reference/fixtures/optim_nelder_mead.csv", row.names = FALSE, quote = FALSE)

# optimHess (optim(hessian = TRUE)): the numerical Hessian with parscale, for cc_optim_hessian.
# Writes tests/reference/fixtures/optim_hessian.csv: problem,scale,i,j,value (x as below).
hess_points <- list(rosenbrock = c(0.7, 0.4), bumpy = c(1.5, 2.2, 2.9, 4.1, 5.3), quadratic = c(1, 1, 1))
hess_rows <- list()
for (p in problems) for (scale in c(1, 10)) {
  x <- hess_points[[p$name]]
  h <- optimHess(x, p$f, control = list(parscale = seq_along(x) * scale))
  for (i in seq_along(x)) for (j in seq_along(x))
    hess_rows[[length(hess_rows) + 1]] <- data.frame(problem = p$name, scale = scale, i = i, j = j,
                                                     value = sprintf("%.12g", h[i, j]))
}
write.csv(do.call(rbind, hess_rows), "tests/reference/fixtures/optim_hessian.csv", row.names = FALSE, quote = FALSE)
