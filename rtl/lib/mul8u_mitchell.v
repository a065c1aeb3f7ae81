// SPDX-License-Identifier: MIT
// mul8u_mitchell: Mitchell's logarithmic multiplier, unsigned 8x8.
// Source: J. N. Mitchell, Computer multiplication and division using binary logarithms, IRE
// Trans. Electronic Computers EC-11(4), 1962.
// Parameters: n = 8; the mantissas keep all 7 fraction bits (no truncation of the logarithms).
// Definition: x = 2^k (1 + f) with k the leading-one position and 0 <= f < 1; log2 x is
// approximated by k + f. The two approximate logarithms are added in fixed point (3 integer and
// 7 fraction bits each) and the sum K + F (F its fraction) is converted back by the same
// piecewise-linear rule: p = 2^K (1 + F). Equivalently p = 2^(k1+k2) (1 + f1 + f2) when
// f1 + f2 < 1 and p = 2^(k1+k2+1) (f1 + f2) otherwise. For 8-bit operands this value is always an
// integer, so nothing is rounded; p <= a * b. p = 0 when an operand is 0.
// Structure: leading-one detectors, normalising left shifters, an 11-bit adder, an antilogarithm
// left shifter and a zero detector: the library's Mitchell core, cells/hawx_mitchell.v.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_mitchell (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_mitchell core (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
