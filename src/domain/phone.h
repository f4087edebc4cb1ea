// Phone numbers: parse, validate and normalise with libphonenumber.
//
//   auto p = NormalizePhone("138 1234 5678");       // "+8613812345678"
//   auto r = PhoneRegion("+8613812345678");         // "江苏省连云港市" (号码归属地)
//
// Numbers without a country code are read in the default region CN. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "domain/status.h"

namespace guanxi {

// E.164 form of a valid number, or InvalidArgument (field "phone") with a message
// saying why. Accepts spaces, dashes, parentheses, +86 and full-width digits.
Result<std::string> NormalizePhone(std::string_view input);

// The place a number is registered in, in Simplified Chinese, or "" when unknown.
std::string PhoneRegion(std::string_view e164);

// Trims, checks and lower-cases an email address: local@domain.tld, exactly one @,
// no spaces or control characters, ≤ 254 bytes, local part ≤ 64 bytes, a dot in the
// domain. The WHOLE address is lower-cased (ASCII letters), not only the domain, so
// one mailbox has one stored spelling. InvalidArgument (field "email") says why.
Result<std::string> NormalizeEmail(std::string_view input);

}  // namespace guanxi
