// tb_pipe.cpp - stream pipes (nlut_axis_skid, nlut_axis_fifo): every beat
// comes out once, in order, with its TLAST, under idle insertion x
// back-pressure; full throughput when neither side pauses.
#include <deque>
#include <vector>

#include TB_HEADER
#include "nlut_bits.h"
#include "nlut_tb.h"

int main(int argc, char **argv)
{
	nlut_tb<TB_MODEL> tb(argc, argv, "tb_" TB_NAME);
	auto *t = tb.top;
	const size_t nbytes = (DATA_WIDTH + 7) / 8;
	static const unsigned idle[] = { 0, 30, 80 }, bp[] = { 0, 30, 80 };
	unsigned long beats = 0;

	tb.reset();
	for (unsigned ii = 0; ii < 3; ii++)
		for (unsigned bi = 0; bi < 3; bi++) {
			std::deque<std::vector<uint8_t>> src, want;
			std::deque<bool> src_last, want_last;

			for (int b = 0; b < 2000; b++) {
				std::vector<uint8_t> d(nbytes);

				for (auto &x : d)
					x = (uint8_t)tb.rnd();
				if (DATA_WIDTH % 8)
					d[nbytes - 1] &= (uint8_t)((1u << (DATA_WIDTH % 8)) - 1u);
				bool last = tb.chance(20);

				src.push_back(d);
				src_last.push_back(last);
				want.push_back(d);
				want_last.push_back(last);
			}
			uint64_t quiet = 0, start = tb.cycles;

			while ((!src.empty() || !want.empty()) && quiet < 1000) {
				bool valid = !src.empty() && !tb.chance(idle[ii]);

				t->s_axis_tvalid = valid;
				if (valid) {
					nlut_to_sig(t->s_axis_tdata, src.front().data(), nbytes);
					t->s_axis_tlast = src_last.front();
				}
				t->m_axis_tready = !tb.chance(bp[bi]);
				tb.settle();
				bool take = valid && t->s_axis_tready;
				bool out = t->m_axis_tvalid && t->m_axis_tready;

				if (out) {
					std::vector<uint8_t> got(nbytes);

					nlut_from_sig(t->m_axis_tdata, got.data(), nbytes);
					if (want.empty() || got != want.front() ||
					    (bool)t->m_axis_tlast != want_last.front())
						tb.fail("beat %lu lost, duplicated or changed (idle %u%%, bp %u%%)", beats,
							idle[ii], bp[bi]);
					want.pop_front();
					want_last.pop_front();
					beats++;
				}
				tb.tick();
				if (take) {
					src.pop_front();
					src_last.pop_front();
				}
				quiet = take || out ? 0 : quiet + 1;
			}
			if (!src.empty() || !want.empty())
				tb.fail("stuck with %zu beats unsent, %zu undelivered", src.size(), want.size());
			if (ii == 0 && bi == 0 && tb.cycles - start > 2000 + 8)
				tb.fail("%llu cycles for 2000 beats without pauses: not full throughput",
					(unsigned long long)(tb.cycles - start));
		}
	printf("tb_%s: %lu beats in order, %llu cycles\n", TB_NAME, beats, (unsigned long long)tb.cycles);
	return 0;
}
