// ft601_board.h - the Verilated ft601-a7 board (boards/ft601-a7/ft601_a7_system.v: the FT601
// bridge, the shell, the controller running the firmware, the core) behind the FT601 model
// (ft601_model.h), with its two clocks: the FT601's 100 MHz CLK and the shell clock of any period.
// Time advances edge by edge; a protocol violation of the bus stops the program with one line.
#ifndef NLUT_FT601_BOARD_H
#define NLUT_FT601_BOARD_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <verilated.h>

#include "Vft601_a7_system.h"
#include "ft601_model.h"

class ft601_board {
public:
	// shell_ps: the shell clock's period in picoseconds (the FT601's is 10000).
	ft601_board(uint64_t shell_ps, uint64_t seed, size_t from_host_cap, size_t to_host_cap)
		: ft(from_host_cap, to_host_cap, seed, [this](const std::string &m) { violation(m); }),
		  clk_ps(shell_ps), next_clk(shell_ps / 3), next_ft(0)
	{
		top = new Vft601_a7_system;
		top->arst = 1;
		top->clk = 0;
		top->ft_clk = 0;
		ft.reset(pins);
		drive();
		top->eval();
		// configuration: the MMCM locks some cycles in
		for (int k = 0; k < 40; k++)
			step();
		top->arst = 0;
	}
	~ft601_board()
	{
		top->final();
		delete top;
	}

	ft601_model ft;
	uint64_t ft_cycles = 0, clk_cycles = 0, now_ps = 0;

	// Advance to the next rising edge of either clock.
	void step()
	{
		top->clk = 0;
		top->ft_clk = 0;
		top->eval();
		uint64_t t = next_clk < next_ft ? next_clk : next_ft;
		now_ps = t;
		bool e_ft = next_ft == t, e_clk = next_clk == t;
		if (e_ft) {
			sample();
			ft.edge(pins);
			top->ft_clk = 1;
			next_ft += FT_PS;
			ft_cycles++;
		}
		if (e_clk) {
			top->clk = 1;
			next_clk += clk_ps;
			clk_cycles++;
		}
		top->eval();
		if (e_ft) {
			drive();
			top->eval();
		}
	}
	// Run for a number of FT601 clock cycles.
	void run(uint64_t ft_n)
	{
		uint64_t end = ft_cycles + ft_n;
		while (ft_cycles < end)
			step();
	}

private:
	static constexpr uint64_t FT_PS = 10000;
	Vft601_a7_system *top;
	ft601_pins pins = {};
	uint64_t clk_ps, next_clk, next_ft;

	void sample()
	{
		pins.data_o = top->ft_data_o;
		pins.be_o = top->ft_be_o;
		pins.data_oe = top->ft_data_oe;
		pins.oe_n = top->ft_oe_n;
		pins.rd_n = top->ft_rd_n;
		pins.wr_n = top->ft_wr_n;
	}
	void drive()
	{
		top->ft_data_i = pins.data_i;
		top->ft_be_i = pins.be_i;
		top->ft_rxf_n = pins.rxf_n;
		top->ft_txe_n = pins.txe_n;
	}
	[[noreturn]] void violation(const std::string &m)
	{
		fprintf(stderr, "ft601 model: FT601 bus violation at FT601 cycle %llu: %s\n",
			(unsigned long long)ft.cycles, m.c_str());
		exit(1);
	}
};

#endif /* NLUT_FT601_BOARD_H */
