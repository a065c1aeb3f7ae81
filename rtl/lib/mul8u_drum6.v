// SPDX-License-Identifier: MIT
// mul8u_drum6: DRUM-6, dynamic range unbiased multiplier, unsigned 8x8.
// Source: S. Hashemi, R. I. Bahar and S. Reda, DRUM: A dynamic range unbiased multiplier for
// approximate applications, IEEE/ACM ICCAD 2015.
// Parameters: k = 6 (segment width).
// Definition: for each operand x with leading one at position t: if t >= k, keep the k bits
// x[t:t-k+1] starting at the leading one, set the LSB of that segment to 1 (unbiasing: stands for
// the dropped bits) and remember the shift t - k + 1; otherwise keep x unchanged (shift 0). The
// two k-bit segments are multiplied exactly and the product is shifted left by the sum of the two
// shifts. p = 0 when an operand is 0.
// Structure: leading-one detectors, right shifters selecting the segments, a 6x6 multiplier and
// a left barrel shifter: the library's DRUM core, cells/hawx_drum.v, with K = 6.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_drum6 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_drum #(
      .K(6)
  ) core (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
