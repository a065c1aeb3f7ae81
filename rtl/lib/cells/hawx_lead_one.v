// SPDX-License-Identifier: MIT
// hawx_lead_one: the leading-one detector (priority encoder) shared by the library's logarithmic
// and dynamic-segment designs (DRUM, Mitchell, RoBA).
//   t  position of the most significant 1 of x, 0..7; t = 0 for x = 0 as for x = 1 (the designs
//      that use it detect a zero operand themselves where it matters)
// Structure: an 8-input priority encoder, the highest set bit wins.
module hawx_lead_one (
    input  wire [7:0] x,
    output wire [2:0] t
);
  function [2:0] lead_one;
    input [7:0] v;
    integer i;
    begin
      lead_one = 3'd0;
      for (i = 0; i < 8; i = i + 1) begin
        if (v[i]) lead_one = i[2:0];
      end
    end
  endfunction

  assign t = lead_one(x);
endmodule
