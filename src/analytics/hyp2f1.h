// Gaussian hypergeometric function 2F1(a, b; c; z) for the arguments the purchase
// models need (real a, b, c > 0, z < 1, including z → −∞ through the Pfaff/Euler
// transformations), returned as a natural logarithm so large values do not overflow.
// The series is summed in log space with positive terms where a transformation gives
// them. Precision: relative error of the result below 1e-12 on the tested domain.
#pragma once

namespace guanxi::analytics {

// log 2F1(a, b; c; z); requires the value to be positive (true on the models' domain).
double LogHyp2F1(double a, double b, double c, double z);
// 2F1(a, b; c; z) (exp of the above when positive).
double Hyp2F1(double a, double b, double c, double z);

}  // namespace guanxi::analytics
