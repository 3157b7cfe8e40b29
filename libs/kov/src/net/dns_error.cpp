// kov::net::dns_errc's category ("kov.dns") and the descriptions of its values.
#include <kov/net/dns.hpp>

#include <string>

namespace kov::net {
namespace {

class dns_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kov.dns"; }
  std::string message(int value) const override {
    return dns_description(static_cast<dns_errc>(value));
  }
  std::error_condition default_error_condition(int value) const noexcept override {
    if (static_cast<dns_errc>(value) == dns_errc::timed_out) return std::errc::timed_out;
    return {value, *this};
  }
};

}  // namespace

const std::error_category& dns_category() noexcept {
  static const dns_category_impl category;
  return category;
}

const char* dns_description(dns_errc e) noexcept {
  switch (e) {
    case dns_errc::host_not_found:
      return "host not found";
    case dns_errc::no_data:
      return "the name has no address";
    case dns_errc::timed_out:
      return "DNS lookup timed out";
    case dns_errc::refused:
      return "the DNS server refused the query";
    case dns_errc::server_failure:
      return "the DNS server failed";
    case dns_errc::unreachable:
      return "no DNS server gave an answer";
    case dns_errc::bad_name:
      return "malformed host name";
    case dns_errc::bad_service:
      return "unknown service";
    case dns_errc::bad_response:
      return "malformed DNS response";
    case dns_errc::failure:
      return "DNS lookup failed";
  }
  return "unknown DNS error";
}

}  // namespace kov::net
