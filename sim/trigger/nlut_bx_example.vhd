-- nlut_bx_example - the worked example of docs/integration.md: one input per
-- bunch crossing (BX) on a 40 MHz clock, nlut_core (made with `nlut gen
-- --fixed-latency`, VHDL) on a 240 MHz clock from the same source and in
-- phase, the result captured back on the 40 MHz clock a whole number of BX
-- later. Synthesisable VHDL-93.
--
-- The 40 MHz register holds a BX's input for RATIO core clocks; the core
-- takes it at core edge PHASE after the BX edge (1..RATIO), chosen so that
-- the result, LATENCY core clocks later, is on the core's output registers
-- exactly when the next BX edge captures it:
--   PHASE + LATENCY = RATIO * BX_LATENCY,  BX_LATENCY = ceil((LATENCY + 1) / RATIO).
-- Every crossing between the two clocks is one core period (launch on one
-- clock, capture on the next edge of the other): a plain synchronous path of
-- two related clocks. Nothing needs a false path or a multicycle constraint.
library ieee;
use ieee.std_logic_1164.all;
use ieee.numeric_std.all;
use work.nlut_core_params.all;

entity nlut_bx_example is
    generic (
        RATIO : positive := 6  -- core clocks per BX (240 MHz / 40 MHz), at least 2
    );
    port (
        clk40      : in  std_logic;  -- bunch-crossing clock
        clk240     : in  std_logic;  -- core clock: RATIO x clk40, same source, rising edges aligned
        rst40      : in  std_logic;  -- synchronous to clk40, active high
        rst240     : in  std_logic;  -- synchronous to clk240, active high
        bx_valid   : in  std_logic;  -- this BX carries an input (sampled on clk40)
        bx_codes   : in  std_logic_vector(NLUT_CORE_IN_WIDTH - 1 downto 0);
        res_valid  : out std_logic;  -- on clk40: the result of the input BX_LATENCY BX ago
        res_scores : out std_logic_vector(NLUT_CORE_SCORES_WIDTH - 1 downto 0);
        res_class  : out std_logic_vector(NLUT_CORE_CLASS_WIDTH - 1 downto 0)
    );
end entity nlut_bx_example;

architecture rtl of nlut_bx_example is
    -- Core edge after the BX edge at which the core takes the input.
    function phase_of(lat, r : natural) return natural is
    begin
        if lat mod r = 0 then
            return r;
        end if;
        return r - lat mod r;
    end function;
    constant PHASE : natural := phase_of(NLUT_CORE_LATENCY, RATIO);

    signal in_valid_q : std_logic := '0';
    signal in_codes_q : std_logic_vector(NLUT_CORE_IN_WIDTH - 1 downto 0);
    signal bx_toggle, bx_seen : std_logic := '0';
    signal bx_edge : std_logic;                      -- the next core edge is phase 1
    signal count : natural range 1 to RATIO := 1;    -- else the phase of the next core edge
    signal take : std_logic;
    signal core_valid : std_logic;
    signal core_scores : std_logic_vector(NLUT_CORE_SCORES_WIDTH - 1 downto 0);
    signal core_class : std_logic_vector(NLUT_CORE_CLASS_WIDTH - 1 downto 0);
begin
    -- 40 MHz: register the BX's input; a toggle marks every BX edge.
    process (clk40)
    begin
        if rising_edge(clk40) then
            in_codes_q <= bx_codes;
            bx_toggle <= not bx_toggle;
            if rst40 = '1' then
                in_valid_q <= '0';
            else
                in_valid_q <= bx_valid;
            end if;
        end if;
    end process;

    -- 240 MHz: the phase of the next core edge within the BX. bx_seen is the
    -- toggle one core edge late, so they differ for the first core clock
    -- after each BX edge.
    bx_edge <= bx_toggle xor bx_seen;
    process (clk240)
    begin
        if rising_edge(clk240) then
            bx_seen <= bx_toggle;
            if bx_edge = '1' then
                count <= 2;
            elsif count < RATIO then
                count <= count + 1;
            end if;
        end if;
    end process;
    take <= in_valid_q when (bx_edge = '1' and PHASE = 1) or (bx_edge = '0' and count = PHASE)
            else '0';

    core : entity work.nlut_core
        port map (clk => clk240, rst => rst240, in_valid => take, in_codes => in_codes_q,
                  out_valid => core_valid, out_scores => core_scores, out_class => core_class);

    -- 40 MHz: the core's output registers hold the result for the core clock
    -- that ends on a BX edge.
    process (clk40)
    begin
        if rising_edge(clk40) then
            res_scores <= core_scores;
            res_class <= core_class;
            if rst40 = '1' then
                res_valid <= '0';
            else
                res_valid <= core_valid;
            end if;
        end if;
    end process;
end architecture rtl;
