// Gaussian hypergeometric function 2F1(a, b; c; z) for the arguments the purchase
// models need, returned as a natural logarithm so large values do not overflow.
//
// Domain: real a, b, c > 0 and z < 1 (z → −∞ included), and c < 0 where the series
// converges (BG/NBD's c = a+b−1 at x = 0). BG/NBD needs 2F1(r+x, b+x; a+b+x−1; z) with
// z in [0, 1); Pareto/NBD needs 2F1(A, B; A+1; z) with
// A = r+s+x, B = s+1 or r+x and z in [0, 1); x and T may be large (x = 500, T = 5000).
//
// Method (hyp2f1.cc):
//  - −1 ≤ z < 0: Pfaff's transformation 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1))
//    (or the same with a and b exchanged, whichever keeps the parameters positive) moves
//    the argument into (0, 1/2]. z < −1: Euler's integral below, which takes z < 0 as it
//    is (Pfaff's large power of (1−z) would cancel digits away).
//  - z ≤ 0.5, or a series that is short anyway: the power series, summed with a running
//    scale (the logarithm is kept apart) so terms of size e^1000 do not overflow; with
//    positive parameters every term is positive, so there is no cancellation.
//  - z near 1: Euler's transformation (1−z)^(c−a−b) 2F1(c−a, c−b; c; z) when its series
//    is short (c−a−b very negative: the BG/NBD case with large x), otherwise Euler's
//    integral Γ(c)/(Γ(b)Γ(c−b)) ∫₀¹ t^(b−1)(1−t)^(c−b−1)(1−zt)^(−a) dt (needs c > b > 0
//    or c > a > 0), by tanh-sinh quadrature with the integrand in log space.
//  - c = a+1 (Pareto/NBD, LogHyp2F1APlus1): Euler's transformation gives
//    (1−z)^(1−b) Σ (a+1−b)_n/(a+1)_n z^n with positive terms no larger than z^n; it is
//    summed directly while short, else by the integral above.
// Precision: |log computed − log exact| ≤ 1e-11 · max(1, |log exact|), i.e. a relative
// error of 2F1 below 1e-11 for values up to e; tested against mpmath (30 digits) at the
// points of tests/unit/hyp2f1_test.cc, and measured ≤ 3.4e-12 at 900 random points with
// c > b > 0 (a, b, c in 1e-2…3e3; z in (−1e6, 1−1e-12)) and ≤ 1.1e-12 at 695 points
// of the models' own argument patterns.
// Cost: tens of nanoseconds for the models' usual arguments (a few series terms); up to
// ~15 µs for 2F1(a, b; a+1; z) with z up to ~0.99; 30–70 µs where the integral is needed
// (z nearer 1, or z < −1 with a slow series). Outside
// the domain above (no transformation gives positive parameters, e.g. c < 0) the slow
// series may take up to 1e7 terms; when nothing converges, or for the log of a negative
// value, the functions return NaN.
// Thread safety: pure functions (no global state; lgamma_r, not lgamma).
#pragma once

namespace guanxi::analytics {

// log 2F1(a, b; c; z); NaN where the value is not positive.
double LogHyp2F1(double a, double b, double c, double z);
// 2F1(a, b; c; z), also where it is negative (c < 0 can make it so: BG/NBD with a+b < 1).
double Hyp2F1(double a, double b, double c, double z);
// log 2F1(a, b; a+1; z) for a > 0, b > 0, z < 1, without forming a+1 (so "c = a+1" is
// exact): the Pareto/NBD likelihood's case.
double LogHyp2F1APlus1(double a, double b, double z);
// The same with log(1−z) supplied by the caller, who often has it more accurately than
// 1−z computed from z (Pareto/NBD: log(β+t) − log(α+t)) and saves a logarithm.
double LogHyp2F1APlus1(double a, double b, double z, double log_1mz);

}  // namespace guanxi::analytics
