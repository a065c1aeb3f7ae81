// SPDX-License-Identifier: MIT
// mul8u_kulkarni: under-designed multiplier of Kulkarni, Gupta and Ercegovac, unsigned 8x8.
// Source: P. Kulkarni, P. Gupta and M. Ercegovac, Trading accuracy for power with an
// underdesigned multiplier architecture, 24th Int. Conf. on VLSI Design, 2011.
// Parameters: 2x2 building block with 3 x 3 = 7 (the only inexact entry), exact adders.
// Definition: the approximate 2x2 block has the 3-bit output {a1 b1, a1 b0 | a0 b1, a0 b0}, which
// is exact except 3 * 3 = 7 (instead of 9). A 4x4 product is assembled from four 2x2 blocks as
// H*H 2^4 + (H*L + L*H) 2^2 + L*L with exact additions, and the 8x8 product likewise from four 4x4
// blocks with weights 2^8, 2^4, 2^4 and 1. p <= a * b.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_kulkarni (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  // The under-designed 2x2 block (a Karnaugh-map simplification: 3 x 3 = 7).
  function [2:0] mul2;
    input [1:0] x;
    input [1:0] y;
    mul2 = {x[1] & y[1], (x[1] & y[0]) | (x[0] & y[1]), x[0] & y[0]};
  endfunction

  // 4x4 from four 2x2 blocks with exact adders (at most 7 * 25 = 175 < 2^8).
  function [7:0] mul4;
    input [3:0] x;
    input [3:0] y;
    mul4 = {5'd0, mul2(x[1:0], y[1:0])} + ({5'd0, mul2(x[3:2], y[1:0])} << 2) +
           ({5'd0, mul2(x[1:0], y[3:2])} << 2) + ({5'd0, mul2(x[3:2], y[3:2])} << 4);
  endfunction

  // 8x8 from four 4x4 blocks with exact adders (at most 175 * 289 = 50575 < 2^16).
  wire [15:0] ll = {8'd0, mul4(a[3:0], b[3:0])};
  wire [15:0] hl = {8'd0, mul4(a[7:4], b[3:0])};
  wire [15:0] lh = {8'd0, mul4(a[3:0], b[7:4])};
  wire [15:0] hh = {8'd0, mul4(a[7:4], b[7:4])};
  assign p = ll + (hl << 4) + (lh << 4) + (hh << 8);
endmodule
