-- nlut_bx_tb - testbench of nlut_bx_example (docs/integration.md): inputs
-- from the pattern files of `nlut vectors --fixed-latency` arrive one per
-- bunch crossing on a 40 MHz clock (some BX empty), the core runs at 240 MHz;
-- every result must come back on the 40 MHz clock bit-exact and exactly
-- BX_LATENCY = ceil((NLUT_CORE_LATENCY + 1) / 6) BX after its input, and
-- no result may appear in between. Prints the latency in BX and ns.
library ieee;
use ieee.std_logic_1164.all;
use ieee.numeric_std.all;
use ieee.math_real.all;
use std.textio.all;
use work.nlut_core_params.all;

entity nlut_bx_tb is
    generic (
        IN_FILE  : string   := "nlut_in.hex";
        OUT_FILE : string   := "nlut_out.hex";
        IDLE_PCT : natural  := 10;  -- BX without an input
        SEED     : positive := 1;
        STALL_PCT : natural := 0    -- unused: accepted so the runner's options apply
    );
end entity nlut_bx_tb;

architecture sim of nlut_bx_tb is
    constant RATIO : positive := 6;
    constant T240 : time := 25 ns / RATIO;  -- core clock period (240 MHz)
    constant BX_LATENCY : natural := (NLUT_CORE_LATENCY + RATIO) / RATIO;  -- ceil((L + 1) / 6)
    constant IW : natural := NLUT_CORE_IN_WIDTH;
    constant SW : natural := NLUT_CORE_SCORES_WIDTH;
    constant CW : natural := NLUT_CORE_CLASS_WIDTH;
    signal clk40, clk240, rst40, rst240 : std_logic := '0';
    signal bx_valid, res_valid : std_logic := '0';
    signal bx_codes : std_logic_vector(IW - 1 downto 0) := (others => '0');
    signal res_scores : std_logic_vector(SW - 1 downto 0);
    signal res_class : std_logic_vector(CW - 1 downto 0);
    signal done : boolean := false;

    procedure read_hex(l : inout line; v : out std_logic_vector; ok : out boolean) is
        variable c : character;
        variable good : boolean;
        variable d : natural;
        variable r : std_logic_vector(4 * ((v'length + 3) / 4) - 1 downto 0);
    begin
        ok := false;
        loop
            read(l, c, good);
            if not good then
                return;
            end if;
            exit when c /= ' ';
        end loop;
        for i in 0 to (v'length + 3) / 4 - 1 loop
            if i > 0 then
                read(l, c, good);
                if not good then
                    return;
                end if;
            end if;
            if c >= '0' and c <= '9' then
                d := character'pos(c) - character'pos('0');
            elsif c >= 'a' and c <= 'f' then
                d := character'pos(c) - character'pos('a') + 10;
            else
                return;
            end if;
            r := r(r'high - 4 downto 0) & std_logic_vector(to_unsigned(d, 4));
        end loop;
        v := r(v'length - 1 downto 0);
        ok := true;
    end procedure;
begin
    dut : entity work.nlut_bx_example
        generic map (RATIO => RATIO)
        port map (clk40 => clk40, clk240 => clk240, rst40 => rst40, rst240 => rst240,
                  bx_valid => bx_valid, bx_codes => bx_codes, res_valid => res_valid,
                  res_scores => res_scores, res_class => res_class);

    -- Both clocks from one process: their rising edges coincide every BX.
    clocks : process
    begin
        while not done loop
            for i in 0 to RATIO - 1 loop
                clk240 <= '1';
                if i = 0 then
                    clk40 <= '1';
                elsif i = RATIO / 2 then
                    clk40 <= '0';
                end if;
                wait for T240 / 2;
                clk240 <= '0';
                wait for T240 - T240 / 2;
            end loop;
        end loop;
        wait;
    end process;

    -- Core reset: a few core clocks.
    process
    begin
        rst240 <= '1';
        wait for 10 * T240;
        rst240 <= '0';
        wait;
    end process;

    play : process
        file fin, fout : text;
        variable st : file_open_status;
        variable l : line;
        variable codes : std_logic_vector(IW - 1 downto 0);
        variable want_scores : std_logic_vector(SW - 1 downto 0);
        variable want_class : std_logic_vector(CW - 1 downto 0);
        variable ok, have, v : boolean;
        variable s1 : positive := SEED;
        variable s2 : positive := 7;
        variable x : real;
        type flags is array (0 to BX_LATENCY) of boolean;
        variable sent : flags := (others => false);  -- sent(b mod (BX_LATENCY + 1)): BX b had an input
        variable bx, n_in, n_out : natural := 0;
    begin
        file_open(st, fin, IN_FILE, read_mode);
        assert st = open_ok report "nlut_bx_tb: cannot open " & IN_FILE severity failure;
        file_open(st, fout, OUT_FILE, read_mode);
        assert st = open_ok report "nlut_bx_tb: cannot open " & OUT_FILE severity failure;
        rst40 <= '1';
        for i in 1 to 3 loop
            wait until rising_edge(clk40);
        end loop;
        wait for 1 ns;
        rst40 <= '0';
        have := not endfile(fin);
        while have or n_out < n_in loop
            -- Before BX edge bx: this BX's input, or none.
            uniform(s1, s2, x);
            v := have and x * 100.0 >= real(IDLE_PCT);
            if v then
                readline(fin, l);
                read_hex(l, codes, ok);
                assert ok report "nlut_bx_tb: bad line in " & IN_FILE severity failure;
                bx_codes <= codes;
                bx_valid <= '1';
                n_in := n_in + 1;
                have := not endfile(fin);
            else
                bx_valid <= '0';
            end if;
            wait until rising_edge(clk40);  -- BX edge bx: the example registers the input
            wait for 1 ns;
            bx := bx + 1;
            sent(bx mod (BX_LATENCY + 1)) := v;
            -- The result of the input registered at BX edge bx - BX_LATENCY.
            assert bx <= 1000 * (n_in + 10) report "nlut_bx_tb: timeout" severity failure;
            if bx > BX_LATENCY and sent((bx - BX_LATENCY) mod (BX_LATENCY + 1)) then
                assert res_valid = '1'
                    report "nlut_bx_tb: no result " & integer'image(BX_LATENCY)
                           & " BX after input " & integer'image(n_out) severity failure;
            else
                assert res_valid = '0'
                    report "nlut_bx_tb: a result " & integer'image(BX_LATENCY)
                           & " BX after no input (BX " & integer'image(bx) & ")" severity failure;
            end if;
            if res_valid = '1' then
                ok := not endfile(fout);
                if ok then
                    readline(fout, l);
                    read_hex(l, want_class, ok);
                    if ok then
                        read_hex(l, want_scores, ok);
                    end if;
                end if;
                assert ok report "nlut_bx_tb: " & OUT_FILE & " ends or is bad" severity failure;
                assert res_class = want_class and res_scores = want_scores
                    report "nlut_bx_tb: MISMATCH at sample " & integer'image(n_out) severity failure;
                n_out := n_out + 1;
            end if;
        end loop;
        report "nlut_bx_tb: " & integer'image(n_out) & " inputs at 40 MHz through the core at 240 MHz "
               & "(latency " & integer'image(NLUT_CORE_LATENCY) & " core clocks): latency "
               & integer'image(BX_LATENCY) & " BX = " & integer'image(25 * BX_LATENCY)
               & " ns, every result in its BX: all outputs match" severity note;
        done <= true;
        wait;
    end process;
end architecture sim;
