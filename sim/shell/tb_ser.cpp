// tb_ser.cpp - nlut_shell_ser against the C record writer
// (nlut_stream_put_result): records out as M_BYTES beats, idle insertion x
// back-pressure, TLAST exactly on each record's last beat.
#include <deque>
#include <vector>

#include <nlut/stream.h>

#include "Vnlut_shell_ser.h"
#include "nlut_bits.h"
#include "nlut_tb.h"

int main(int argc, char **argv)
{
	nlut_tb<Vnlut_shell_ser> tb(argc, argv, "tb_ser_" TB_NAME);
	auto *t = tb.top;
	uint8_t bits[1] = { 8 };
	struct nlut_stream_shape sh = {};

	sh.n_inputs = 1;
	sh.in_bits = bits;
	sh.n_classes = N_CLASSES;
	sh.s_bytes = 8;
	sh.m_bytes = M_BYTES;
	sh.scores = SCORES;
	if (nlut_stream_shape_init(&sh) || sh.out_record != REC_BYTES)
		tb.fail("record of %zu bytes, RTL built for %d", sh.out_record, REC_BYTES);
	const size_t beats = sh.out_record / M_BYTES;
	static const unsigned idle[] = { 0, 30, 80 }, bp[] = { 0, 30, 80 };
	unsigned long records = 0, done_pulses = 0;

	tb.reset();
	for (unsigned ii = 0; ii < 3; ii++)
		for (unsigned bi = 0; bi < 3; bi++) {
			std::deque<std::vector<uint8_t>> src, want_beats;
			std::deque<bool> want_last;
			std::vector<uint16_t> scores(N_CLASSES);
			std::vector<uint8_t> rec(sh.out_record);

			for (int r = 0; r < 300; r++) {
				for (auto &s : scores)
					s = (uint16_t)tb.rnd();
				nlut_stream_put_result(&sh, (uint32_t)tb.rnd(), (uint32_t)(tb.rnd() % N_CLASSES),
						       scores.data(), rec.data());
				src.push_back(rec);
				for (size_t b = 0; b < beats; b++) {
					want_beats.push_back(std::vector<uint8_t>(rec.begin() + b * M_BYTES,
										  rec.begin() + (b + 1) * M_BYTES));
					want_last.push_back(b + 1 == beats);
				}
			}
			uint64_t quiet = 0;

			while ((!src.empty() || !want_beats.empty()) && quiet < 10000) {
				bool valid = !src.empty() && !tb.chance(idle[ii]);

				t->rec_valid = valid;
				if (valid)
					nlut_to_sig(t->rec_data, src.front().data(), sh.out_record);
				t->m_axis_tready = !tb.chance(bp[bi]);
				tb.settle();
				bool take = valid && t->rec_ready;
				bool out = t->m_axis_tvalid && t->m_axis_tready;

				if (out) {
					std::vector<uint8_t> got(M_BYTES);

					nlut_from_sig(t->m_axis_tdata, got.data(), M_BYTES);
					if (want_beats.empty())
						tb.fail("beat sent that no record holds");
					if (got != want_beats.front())
						tb.fail("beat differs from the C record (record %lu)", records);
					if ((bool)t->m_axis_tlast != want_last.front())
						tb.fail("TLAST %d on a beat where %d was due", t->m_axis_tlast,
							(int)want_last.front());
					records += want_last.front();
					want_beats.pop_front();
					want_last.pop_front();
				}
				done_pulses += t->rec_done;
				tb.tick();
				if (take)
					src.pop_front();
				quiet = take || out ? 0 : quiet + 1;
			}
			if (!src.empty() || !want_beats.empty())
				tb.fail("stuck: %zu records unsent, %zu beats missing", src.size(), want_beats.size());
		}
	if (done_pulses != records)
		tb.fail("%lu records sent, %lu rec_done pulses", records, done_pulses);
	printf("tb_ser_%s: %lu records bit-exact, %llu cycles\n", TB_NAME, records,
	       (unsigned long long)tb.cycles);
	return 0;
}
