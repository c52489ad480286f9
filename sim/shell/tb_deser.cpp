// tb_deser.cpp - nlut_shell_deser against the C packer (nlut_stream_pack):
// random vectors in S_BYTES beats, idle insertion x back-pressure, and
// injected framing slips that must raise frame_error and drop, never deliver.
#include <cstring>
#include <deque>
#include <vector>

#include <nlut/stream.h>

#include "Vnlut_shell_deser.h"
#include "nlut_bits.h"
#include "nlut_tb.h"

struct beat {
	std::vector<uint8_t> data;
	bool last;
};

int main(int argc, char **argv)
{
	nlut_tb<Vnlut_shell_deser> tb(argc, argv, "tb_deser_" TB_NAME);
	auto *t = tb.top;
	const unsigned in_bits = IN_BITS, s_bytes = S_BYTES;
	const unsigned vec_bytes = (in_bits + 7) / 8;

	// Features of 1..16 bits summing to IN_BITS.
	std::vector<uint8_t> widths;
	for (unsigned left = in_bits; left;) {
		unsigned w = 1 + tb.rnd() % 16;

		w = w > left ? left : w;
		widths.push_back((uint8_t)w);
		left -= w;
	}
	struct nlut_stream_shape sh = {};
	sh.n_inputs = (uint32_t)widths.size();
	sh.in_bits = widths.data();
	sh.n_classes = 2;
	sh.s_bytes = s_bytes;
	sh.m_bytes = 8;
	if (nlut_stream_shape_init(&sh))
		tb.fail("bad shape");
	const size_t beats_per = sh.in_record / s_bytes;

	static const unsigned idle[] = { 0, 30, 80 }, bp[] = { 0, 30, 80 };
	unsigned long delivered = 0, slips = 0, errors_seen = 0;

	tb.reset();
	for (unsigned ii = 0; ii < 3; ii++)
		for (unsigned bi = 0; bi < 3; bi++) {
			std::deque<beat> src;
			std::deque<std::vector<uint8_t>> want;
			std::vector<uint16_t> codes(sh.n_inputs);
			std::vector<uint8_t> rec(sh.in_record);

			for (int v = 0; v < 400; v++) {
				for (uint32_t i = 0; i < sh.n_inputs; i++)
					codes[i] = (uint16_t)(tb.rnd() & ((1u << widths[i]) - 1u));
				if (nlut_stream_pack(&sh, 1, codes.data(), rec.data()))
					tb.fail("pack");
				unsigned kind = tb.rnd() % 100;

				if (kind < 4 && beats_per > 1) {
					// Early TLAST: the vector's beats so far are dropped.
					size_t cut = 1 + tb.rnd() % (beats_per - 1);

					for (size_t b = 0; b < cut; b++)
						src.push_back({ std::vector<uint8_t>(rec.begin() + b * s_bytes,
										     rec.begin() + (b + 1) * s_bytes),
								b + 1 == cut });
					slips++;
					continue;
				}
				if (kind < 8) {
					// Missing TLAST: this vector and junk up to the next TLAST drop.
					for (size_t b = 0; b < beats_per; b++)
						src.push_back({ std::vector<uint8_t>(rec.begin() + b * s_bytes,
										     rec.begin() + (b + 1) * s_bytes),
								false });
					size_t junk = tb.rnd() % 3;
					for (size_t j = 0; j <= junk; j++)
						src.push_back({ std::vector<uint8_t>(s_bytes, 0xA5), j == junk });
					slips++;
					continue;
				}
				for (size_t b = 0; b < beats_per; b++)
					src.push_back({ std::vector<uint8_t>(rec.begin() + b * s_bytes,
									     rec.begin() + (b + 1) * s_bytes),
							b + 1 == beats_per });
				want.push_back(std::vector<uint8_t>(rec.begin(), rec.begin() + vec_bytes));
			}
			uint64_t quiet = 0;

			while ((!src.empty() || !want.empty()) && quiet < 10000) {
				bool valid = !src.empty() && !tb.chance(idle[ii]);

				t->s_axis_tvalid = valid;
				if (valid) {
					nlut_to_sig(t->s_axis_tdata, src.front().data.data(), s_bytes);
					t->s_axis_tlast = src.front().last;
				}
				t->vec_ready = !tb.chance(bp[bi]);
				tb.settle();
				bool take = valid && t->s_axis_tready;
				bool out = t->vec_valid && t->vec_ready;
				std::vector<uint8_t> got(vec_bytes);

				if (out) {
					nlut_from_sig(t->vec_data, got.data(), vec_bytes);
					// Bits above IN_BITS in the last byte are not part of the vector.
					if (in_bits % 8)
						got[vec_bytes - 1] &= (uint8_t)((1u << (in_bits % 8)) - 1u);
					if (want.empty())
						tb.fail("vector delivered that was never sent cleanly");
					if (got != want.front())
						tb.fail("vector %lu differs from the packed one", delivered);
					want.pop_front();
					delivered++;
				}
				tb.tick();
				errors_seen += t->frame_error;
				if (take)
					src.pop_front();
				quiet = take || out ? 0 : quiet + 1;
			}
			if (!src.empty() || !want.empty())
				tb.fail("stuck: %zu beats unsent, %zu vectors undelivered (idle %u%%, back-pressure %u%%)",
					src.size(), want.size(), idle[ii], bp[bi]);
		}
	tb.tick();
	errors_seen += t->frame_error;
	if (errors_seen != slips)
		tb.fail("%lu framing slips injected, %lu frame_error pulses", slips, errors_seen);
	printf("tb_deser_%s: %lu vectors delivered bit-exact, %lu slips detected, %llu cycles\n", TB_NAME,
	       delivered, slips, (unsigned long long)tb.cycles);
	return 0;
}
