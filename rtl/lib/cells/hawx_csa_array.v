// SPDX-License-Identifier: MIT
// hawx_csa_array: the carry-save (Braun) array shared by the library's array designs, with the
// approximations of the broken-array multiplier as parameters (Mahdiani et al., "Bio-inspired
// imprecise computational blocks for efficient VLSI implementation of soft-computing
// applications", IEEE TCAS-I 57(4), 2010):
//   HBL    rows b[0] .. b[HBL-1] of partial products omitted (horizontal break level)
//   VBL    all cells of weight < VBL omitted, product bits below are 0 (vertical break level);
//          with HBL = 0 this is the truncated multiplier with k = VBL columns removed
//   SIGNED 1: modified Baugh-Wooley two's complement array (inverted negative-weight partial
//          products, constants 2^8 and 2^15); 0: unsigned
// Structure: row j adds the partial products a[i] & b[j] (weight i + j) to the sum and carry
// vectors of row j - 1 with one full-adder cell per weight; a ripple-carry adder merges the last
// row (weights 8..15). Omitted cells are not generated at all, so synthesis has nothing to remove.
module hawx_csa_array #(
    parameter integer HBL = 0,
    parameter integer VBL = 0,
    parameter integer SIGNED = 0
) (
    // Break levels leave some operand bits without a partial product: unused by design.
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [15:0] p
);
  // s[j][w]: sum bit of weight w after row j; co[j][w]: carry out of the cell of row j, weight w
  // (weight w+1). Only the cells listed below exist; every other bit is a constant 0 or a wire.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [15:0] pp[0:7];  // pp[j][w]: partial-product bit a[w-j] & b[j]; 0 where absent or removed
  wire [15:0] s [0:7]  /* verilator split_var */;
  wire [15:0] co[0:7]  /* verilator split_var */;
  wire [15:7] r  /* verilator split_var */;  // ripple carries of the final adder
  /* verilator lint_on UNUSEDSIGNAL */

  genvar j, w;
  generate
    for (j = 0; j < 8; j = j + 1) begin : g_row
      for (w = 0; w < 16; w = w + 1) begin : g_w
        if (w >= j && w <= j + 7 && w >= VBL && j >= HBL) begin : g_pp
          if (SIGNED != 0 && ((w - j == 7) != (j == 7))) begin : g_neg
            assign pp[j][w] = ~(a[w-j] & b[j]);  // Baugh-Wooley: negative-weight bits inverted
          end else begin : g_pos
            assign pp[j][w] = a[w-j] & b[j];
          end
        end else begin : g_nopp
          assign pp[j][w] = 1'b0;
        end
        if (j == 0) begin : g_top
          // First row: partial products only (plus the Baugh-Wooley constant 2^8).
          if (SIGNED != 0 && w == 8 && w >= VBL) begin : g_const
            assign s[0][w] = 1'b1;
          end else begin : g_pp_only
            assign s[0][w] = pp[0][w];
          end
          assign co[0][w] = 1'b0;
        end else if (w >= j && w <= j + 7 && w >= VBL && j == HBL) begin : g_first
          // First retained row after the horizontal break: partial products only.
          assign s[j][w]  = pp[j][w];
          assign co[j][w] = 1'b0;
        end else if (w >= j && w <= j + 7 && w >= VBL && j > HBL) begin : g_cell
          // Carry-save full-adder cell: pp + sum from above + carry from the right.
          wire x = pp[j][w];
          wire y = s[j-1][w];
          wire z;
          if (w >= 1) begin : g_cin
            assign z = co[j-1][w-1];
          end else begin : g_nocin
            assign z = 1'b0;
          end
          assign s[j][w]  = x ^ y ^ z;
          assign co[j][w] = (x & y) | (x & z) | (y & z);
        end else begin : g_pass
          // No cell: lower product bits pass straight down; nothing else reaches here.
          assign s[j][w]  = s[j-1][w];
          assign co[j][w] = 1'b0;
        end
      end
    end

    // Final vector-merging ripple-carry adder over weights 8..15 (cells below VBL omitted).
    assign r[7] = 1'b0;
    for (w = 0; w < 16; w = w + 1) begin : g_out
      if (w < 8) begin : g_low
        assign p[w] = s[7][w];
      end else if (w < VBL) begin : g_cut
        assign p[w] = 1'b0;
        assign r[w] = 1'b0;
      end else if (w < 15) begin : g_add
        wire x = s[7][w];
        wire y = co[7][w-1];
        assign p[w] = x ^ y ^ r[w-1];
        assign r[w] = (x & y) | (x & r[w-1]) | (y & r[w-1]);
      end else begin : g_msb
        // Weight 15: no sum bit from the array (plus the Baugh-Wooley constant 2^15 if signed);
        // the carry out of the product is dropped (exact modulo 2^16).
        assign p[w] = co[7][w-1] ^ r[w-1] ^ (SIGNED != 0 ? 1'b1 : 1'b0);
        assign r[w] = 1'b0;
      end
    end
  endgenerate
endmodule
