// nlut_bits.h - moving little-endian byte strings in and out of Verilator
// signals of any width (CData ... QData, VlWide<N>).
#ifndef NLUT_BITS_H
#define NLUT_BITS_H

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <verilated.h>

template <typename T> void nlut_to_sig(T &sig, const uint8_t *b, size_t nbytes)
{
	static_assert(std::is_integral<T>::value, "narrow signal");
	uint64_t v = 0;

	for (size_t i = 0; i < nbytes && i < sizeof(T); i++)
		v |= (uint64_t)b[i] << (8 * i);
	sig = (T)v;
}

template <std::size_t N> void nlut_to_sig(VlWide<N> &sig, const uint8_t *b, size_t nbytes)
{
	for (size_t w = 0; w < N; w++) {
		uint32_t v = 0;

		for (size_t k = 0; k < 4 && 4 * w + k < nbytes; k++)
			v |= (uint32_t)b[4 * w + k] << (8 * k);
		sig[w] = v;
	}
}

template <typename T> void nlut_from_sig(const T &sig, uint8_t *b, size_t nbytes)
{
	static_assert(std::is_integral<T>::value, "narrow signal");
	uint64_t v = (uint64_t)sig;

	for (size_t i = 0; i < nbytes; i++)
		b[i] = i < sizeof(T) ? (uint8_t)(v >> (8 * i)) : 0;
}

template <std::size_t N> void nlut_from_sig(const VlWide<N> &sig, uint8_t *b, size_t nbytes)
{
	size_t i = 0;

	// Whole words first (a 64-byte beat every other cycle in the board).
	for (size_t w = 0; w < N && i + 4 <= nbytes; w++, i += 4) {
		uint32_t x = sig[w];

		b[i] = (uint8_t)x;
		b[i + 1] = (uint8_t)(x >> 8);
		b[i + 2] = (uint8_t)(x >> 16);
		b[i + 3] = (uint8_t)(x >> 24);
	}
	for (; i < nbytes; i++)
		b[i] = i / 4 < N ? (uint8_t)(sig[i / 4] >> (8 * (i % 4))) : 0;
}

#endif // NLUT_BITS_H
