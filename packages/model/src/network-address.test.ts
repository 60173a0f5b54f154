import { describe, expect, it } from "vitest";
import { addressKey } from "./network-address.ts";

describe("addressKey: one sign-up allowance per", () => {
  it.each([
    { case: "IPv4 address", address: "198.51.100.7", key: "198.51.100.7" },
    { case: "IPv4 address, spaces around", address: " 198.51.100.7 ", key: "198.51.100.7" },
    {
      case: "IPv6 /64, full form",
      address: "2001:0db8:0000:0001:0000:0000:0000:0042",
      key: "2001:db8:0:1::/64",
    },
    { case: "IPv6 /64, compressed", address: "2001:db8:0:1::42", key: "2001:db8:0:1::/64" },
    { case: "another host of the same /64", address: "2001:db8:0:1:ffff:1:2:3", key: "2001:db8:0:1::/64" },
    { case: "a different /64", address: "2001:db8:0:2::42", key: "2001:db8:0:2::/64" },
    { case: "upper case", address: "2001:DB8:0:1::42", key: "2001:db8:0:1::/64" },
    { case: "zero-compressed prefix", address: "2001:db8::1", key: "2001:db8:0:0::/64" },
    { case: "loopback", address: "::1", key: "0:0:0:0::/64" },
    { case: "IPv4 written as IPv6", address: "::ffff:198.51.100.7", key: "198.51.100.7" },
    { case: "embedded IPv4 tail", address: "64:ff9b::198.51.100.7", key: "64:ff9b:0:0::/64" },
    { case: "zone index", address: "fe80::1%eth0", key: "fe80:0:0:0::/64" },
    { case: "not an address: kept as given", address: "local", key: "local" },
    { case: "two '::': kept as given", address: "1::2::3", key: "1::2::3" },
    { case: "too many groups: kept as given", address: "1:2:3:4:5:6:7:8:9", key: "1:2:3:4:5:6:7:8:9" },
  ])("$case", ({ address, key }) => {
    expect(addressKey(address)).toBe(key);
  });
});
