// JSON forms of products, orders, import reports and receivables for the API
// (docs/sales-api.md) and `guanxi orders import --format json`, and the readers
// of the array fields a JsonObjectReader cannot read (order lines, instalments).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/customer_json.h"
#include "domain/sales.h"
#include "service/order_service.h"
#include "store/sales_store.h"

namespace guanxi::http {

// Fields as key/value pairs into an object the caller opened.
void WriteProductFields(JsonWriter& w, const Product& p);
// Without lines unless `with_lines`; the caller adds customer_name and owner_name.
void WriteOrderFields(JsonWriter& w, const Order& o, bool with_lines);
void WriteReceiptFields(JsonWriter& w, const Receipt& r);
// {"total_planned","received","outstanding","overdue","oldest_overdue_days","instalments","receipts"} fields.
void WritePlanFields(JsonWriter& w, const PaymentPlanView& v);

// {"inserted","already_present","rejected":[{"line","field","message"}]}
std::string ImportOutcomeToJson(const OrderImportOutcome& o);

// The "lines" array of an order body (`body` is the whole JSON object).
// Errors name the field as "lines[2].quantity".
Result<std::vector<OrderLineInput>> ReadOrderLines(std::string_view body);
// The "instalments" array of a payment-plan body.
Result<std::vector<Instalment>> ReadInstalments(std::string_view body);

}  // namespace guanxi::http
