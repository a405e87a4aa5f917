---------------------------- MODULE MCLeadership ----------------------------
(***************************************************************************)
(* Concrete models of Leadership for TLC; the .cfg files choose N, the    *)
(* bounds and the sabotages. The settings here are the spec's formulas:   *)
(* the grant period D = L(1+rho)+margin and the quiet period D. The model *)
(* margin is 0: ticks are discrete, and a grant given at a tick boundary   *)
(* ends no earlier than the lease it covers (the code's margin m covers    *)
(* timer granularity, which ticks do not have).                            *)
(***************************************************************************)
EXTENDS Leadership

Margin == 0
GrantPeriod == L * (1 + Rho) + Margin
\* Sabotage: the member keeps its grant for L on its own clock, as if
\* clocks did not drift.
GrantPeriodNoDrift == L
QuietNone == 0
=============================================================================
