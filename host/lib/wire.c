/* wire.c - framing of docs/wire-protocol.md; freestanding so the firmware
 * builds the very same file. */
#include <string.h>

#include <nlut/wire.h>

/* Exported from libnlut's shared library; plain functions in firmware. */
#if defined(NLUT_BUILDING_LIB)
#define API __attribute__((visibility("default")))
#else
#define API
#endif

/* CRC-32 table of the reflected polynomial 0xEDB88320. */
static const uint32_t crc_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
	0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
	0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
	0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
	0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
	0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
	0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
	0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
	0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
	0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
	0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
	0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
	0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
	0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
	0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
	0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
	0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
	0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
	0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
	0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
	0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
	0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,};

/*
 * shift[k]: the CRC register after 2^k zero bytes, as the 32 columns of a
 * GF(2) matrix (column i: the register that started as bit i alone).
 * shift[0] is one step of crc_table with a zero byte; shift[k] is shift[k-1]
 * squared (tests/test_wire.c passes frames of every length bit through it).
 */
static const uint32_t shift[17][32] = {
	{
		0x77073096u, 0xee0e612cu, 0x076dc419u, 0x0edb8832u, 0x1db71064u, 0x3b6e20c8u,
		0x76dc4190u, 0xedb88320u, 0x00000001u, 0x00000002u, 0x00000004u, 0x00000008u,
		0x00000010u, 0x00000020u, 0x00000040u, 0x00000080u, 0x00000100u, 0x00000200u,
		0x00000400u, 0x00000800u, 0x00001000u, 0x00002000u, 0x00004000u, 0x00008000u,
		0x00010000u, 0x00020000u, 0x00040000u, 0x00080000u, 0x00100000u, 0x00200000u,
		0x00400000u, 0x00800000u },
	{
		0x191b3141u, 0x32366282u, 0x646cc504u, 0xc8d98a08u, 0x4ac21251u, 0x958424a2u,
		0xf0794f05u, 0x3b83984bu, 0x77073096u, 0xee0e612cu, 0x076dc419u, 0x0edb8832u,
		0x1db71064u, 0x3b6e20c8u, 0x76dc4190u, 0xedb88320u, 0x00000001u, 0x00000002u,
		0x00000004u, 0x00000008u, 0x00000010u, 0x00000020u, 0x00000040u, 0x00000080u,
		0x00000100u, 0x00000200u, 0x00000400u, 0x00000800u, 0x00001000u, 0x00002000u,
		0x00004000u, 0x00008000u },
	{
		0xb8bc6765u, 0xaa09c88bu, 0x8f629757u, 0xc5b428efu, 0x5019579fu, 0xa032af3eu,
		0x9b14583du, 0xed59b63bu, 0x01c26a37u, 0x0384d46eu, 0x0709a8dcu, 0x0e1351b8u,
		0x1c26a370u, 0x384d46e0u, 0x709a8dc0u, 0xe1351b80u, 0x191b3141u, 0x32366282u,
		0x646cc504u, 0xc8d98a08u, 0x4ac21251u, 0x958424a2u, 0xf0794f05u, 0x3b83984bu,
		0x77073096u, 0xee0e612cu, 0x076dc419u, 0x0edb8832u, 0x1db71064u, 0x3b6e20c8u,
		0x76dc4190u, 0xedb88320u },
	{
		0xccaa009eu, 0x4225077du, 0x844a0efau, 0xd3e51bb5u, 0x7cbb312bu, 0xf9766256u,
		0x299dc2edu, 0x533b85dau, 0xa6770bb4u, 0x979f1129u, 0xf44f2413u, 0x33ef4e67u,
		0x67de9cceu, 0xcfbd399cu, 0x440b7579u, 0x8816eaf2u, 0xcb5cd3a5u, 0x4dc8a10bu,
		0x9b914216u, 0xec53826du, 0x03d6029bu, 0x07ac0536u, 0x0f580a6cu, 0x1eb014d8u,
		0x3d6029b0u, 0x7ac05360u, 0xf580a6c0u, 0x30704bc1u, 0x60e09782u, 0xc1c12f04u,
		0x58f35849u, 0xb1e6b092u },
	{
		0xae689191u, 0x87a02563u, 0xd4314c87u, 0x73139f4fu, 0xe6273e9eu, 0x173f7b7du,
		0x2e7ef6fau, 0x5cfdedf4u, 0xb9fbdbe8u, 0xa886b191u, 0x8a7c6563u, 0xcf89cc87u,
		0x44629f4fu, 0x88c53e9eu, 0xcafb7b7du, 0x4e87f0bbu, 0x9d0fe176u, 0xe16ec4adu,
		0x19ac8f1bu, 0x33591e36u, 0x66b23c6cu, 0xcd6478d8u, 0x41b9f7f1u, 0x8373efe2u,
		0xdd96d985u, 0x605cb54bu, 0xc0b96a96u, 0x5a03d36du, 0xb407a6dau, 0xb37e4bf5u,
		0xbd8d91abu, 0xa06a2517u },
	{
		0xf1da05aau, 0x38c50d15u, 0x718a1a2au, 0xe3143454u, 0x1d596ee9u, 0x3ab2ddd2u,
		0x7565bba4u, 0xeacb7748u, 0x0ee7e8d1u, 0x1dcfd1a2u, 0x3b9fa344u, 0x773f4688u,
		0xee7e8d10u, 0x078c1c61u, 0x0f1838c2u, 0x1e307184u, 0x3c60e308u, 0x78c1c610u,
		0xf1838c20u, 0x38761e01u, 0x70ec3c02u, 0xe1d87804u, 0x18c1f649u, 0x3183ec92u,
		0x6307d924u, 0xc60fb248u, 0x576e62d1u, 0xaedcc5a2u, 0x86c88d05u, 0xd6e01c4bu,
		0x76b13ed7u, 0xed627daeu },
	{
		0x8f352d95u, 0xc51b5d6bu, 0x5147bc97u, 0xa28f792eu, 0x9e6ff41du, 0xe7aeee7bu,
		0x142cdab7u, 0x2859b56eu, 0x50b36adcu, 0xa166d5b8u, 0x99bcad31u, 0xe8085c23u,
		0x0b61be07u, 0x16c37c0eu, 0x2d86f81cu, 0x5b0df038u, 0xb61be070u, 0xb746c6a1u,
		0xb5fc8b03u, 0xb0881047u, 0xba6126cfu, 0xafb34bdfu, 0x841791ffu, 0xd35e25bfu,
		0x7dcd4d3fu, 0xfb9a9a7eu, 0x2c4432bdu, 0x5888657au, 0xb110caf4u, 0xb95093a9u,
		0xa9d02113u, 0x88d14467u },
	{
		0x33fff533u, 0x67ffea66u, 0xcfffd4ccu, 0x448eafd9u, 0x891d5fb2u, 0xc94bb925u,
		0x49e6740bu, 0x93cce816u, 0xfce8d66du, 0x22a0aa9bu, 0x45415536u, 0x8a82aa6cu,
		0xce745299u, 0x4799a373u, 0x8f3346e6u, 0xc5178b8du, 0x515e115bu, 0xa2bc22b6u,
		0x9e09432du, 0xe763801bu, 0x15b60677u, 0x2b6c0ceeu, 0x56d819dcu, 0xadb033b8u,
		0x80116131u, 0xdb53c423u, 0x6dd68e07u, 0xdbad1c0eu, 0x6c2b3e5du, 0xd8567cbau,
		0x6bddff35u, 0xd7bbfe6au },
	{
		0xce3371cbu, 0x4717e5d7u, 0x8e2fcbaeu, 0xc72e911du, 0x552c247bu, 0xaa5848f6u,
		0x8fc197adu, 0xc4f2291bu, 0x52955477u, 0xa52aa8eeu, 0x9124579du, 0xf939a97bu,
		0x290254b7u, 0x5204a96eu, 0xa40952dcu, 0x9363a3f9u, 0xfdb641b3u, 0x201d8527u,
		0x403b0a4eu, 0x8076149cu, 0xdb9d2f79u, 0x6c4b58b3u, 0xd896b166u, 0x6a5c648du,
		0xd4b8c91au, 0x72009475u, 0xe40128eau, 0x13735795u, 0x26e6af2au, 0x4dcd5e54u,
		0x9b9abca8u, 0xec447f11u },
	{
		0x1072db28u, 0x20e5b650u, 0x41cb6ca0u, 0x8396d940u, 0xdc5cb4c1u, 0x63c86fc3u,
		0xc790df86u, 0x5450b94du, 0xa8a1729au, 0x8a33e375u, 0xcf16c0abu, 0x455c8717u,
		0x8ab90e2eu, 0xce031a1du, 0x4777327bu, 0x8eee64f6u, 0xc6adcfadu, 0x562a991bu,
		0xac553236u, 0x83db622du, 0xdcc7c21bu, 0x62fe8277u, 0xc5fd04eeu, 0x508b0f9du,
		0xa1161f3au, 0x995d3835u, 0xe9cb762bu, 0x08e7ea17u, 0x11cfd42eu, 0x239fa85cu,
		0x473f50b8u, 0x8e7ea170u },
	{
		0xf891f16fu, 0x2a52e49fu, 0x54a5c93eu, 0xa94b927cu, 0x89e622b9u, 0xc8bd4333u,
		0x4a0b8027u, 0x9417004eu, 0xf35f06ddu, 0x3dcf0bfbu, 0x7b9e17f6u, 0xf73c2fecu,
		0x35095999u, 0x6a12b332u, 0xd4256664u, 0x733bca89u, 0xe6779512u, 0x179e2c65u,
		0x2f3c58cau, 0x5e78b194u, 0xbcf16328u, 0xa293c011u, 0x9e568663u, 0xe7dc0a87u,
		0x14c9134fu, 0x2992269eu, 0x53244d3cu, 0xa6489a78u, 0x97e032b1u, 0xf4b16323u,
		0x3213c007u, 0x6427800eu },
	{
		0x88b6ba63u, 0xca1c7287u, 0x4f49e34fu, 0x9e93c69eu, 0xe6568b7du, 0x17dc10bbu,
		0x2fb82176u, 0x5f7042ecu, 0xbee085d8u, 0xa6b00df1u, 0x96111da3u, 0xf7533d07u,
		0x35d77c4fu, 0x6baef89eu, 0xd75df13cu, 0x75cae439u, 0xeb95c872u, 0x0c5a96a5u,
		0x18b52d4au, 0x316a5a94u, 0x62d4b528u, 0xc5a96a50u, 0x5023d2e1u, 0xa047a5c2u,
		0x9bfe4dc5u, 0xec8d9dcbu, 0x026a3dd7u, 0x04d47baeu, 0x09a8f75cu, 0x1351eeb8u,
		0x26a3dd70u, 0x4d47bae0u },
	{
		0x5ad8a92cu, 0xb5b15258u, 0xb013a2f1u, 0xbb5643a3u, 0xaddd8107u, 0x80ca044fu,
		0xdae50edfu, 0x6ebb1bffu, 0xdd7637feu, 0x619d69bdu, 0xc33ad37au, 0x5d04a0b5u,
		0xba09416au, 0xaf638495u, 0x85b60f6bu, 0xd01d1897u, 0x7b4b376fu, 0xf6966edeu,
		0x365ddbfdu, 0x6cbbb7fau, 0xd9776ff4u, 0x699fd9a9u, 0xd33fb352u, 0x7d0e60e5u,
		0xfa1cc1cau, 0x2f4885d5u, 0x5e910baau, 0xbd221754u, 0xa13528e9u, 0x991b5793u,
		0xe947a967u, 0x09fe548fu },
	{
		0xb566f6e2u, 0xb1bceb85u, 0xb808d14bu, 0xab60a4d7u, 0x8db04fefu, 0xc011999fu,
		0x5b52357fu, 0xb6a46afeu, 0xb639d3bdu, 0xb702a13bu, 0xb5744437u, 0xb1998e2fu,
		0xb8421a1fu, 0xabf5327fu, 0x8c9b62bfu, 0xc247c33fu, 0x5ffe803fu, 0xbffd007eu,
		0xa48b06bdu, 0x92670b3bu, 0xffbf1037u, 0x240f262fu, 0x481e4c5eu, 0x903c98bcu,
		0xfb083739u, 0x2d616833u, 0x5ac2d066u, 0xb585a0ccu, 0xb07a47d9u, 0xbb8589f3u,
		0xac7a15a7u, 0x83852d0fu },
	{
		0x9d9129bfu, 0xe053553fu, 0x1bd7ac3fu, 0x37af587eu, 0x6f5eb0fcu, 0xdebd61f8u,
		0x660bc5b1u, 0xcc178b62u, 0x435e1085u, 0x86bc210au, 0xd6094455u, 0x77638eebu,
		0xeec71dd6u, 0x06ff3dedu, 0x0dfe7bdau, 0x1bfcf7b4u, 0x37f9ef68u, 0x6ff3ded0u,
		0xdfe7bda0u, 0x64be7d01u, 0xc97cfa02u, 0x4988f245u, 0x9311e48au, 0xfd52cf55u,
		0x21d498ebu, 0x43a931d6u, 0x875263acu, 0xd5d5c119u, 0x70da8473u, 0xe1b508e6u,
		0x181b178du, 0x30362f1au },
	{
		0x2ee43a2cu, 0x5dc87458u, 0xbb90e8b0u, 0xac50d721u, 0x83d0a803u, 0xdcd05647u,
		0x62d1aacfu, 0xc5a3559eu, 0x5037ad7du, 0xa06f5afau, 0x9bafb3b5u, 0xec2e612bu,
		0x032dc417u, 0x065b882eu, 0x0cb7105cu, 0x196e20b8u, 0x32dc4170u, 0x65b882e0u,
		0xcb7105c0u, 0x4d930dc1u, 0x9b261b82u, 0xed3d3145u, 0x010b64cbu, 0x0216c996u,
		0x042d932cu, 0x085b2658u, 0x10b64cb0u, 0x216c9960u, 0x42d932c0u, 0x85b26580u,
		0xd015cd41u, 0x7b5a9cc3u },
	{
		0x1b4511eeu, 0x368a23dcu, 0x6d1447b8u, 0xda288f70u, 0x6f2018a1u, 0xde403142u,
		0x67f164c5u, 0xcfe2c98au, 0x44b49555u, 0x89692aaau, 0xc9a35315u, 0x4837a06bu,
		0x906f40d6u, 0xfbaf87edu, 0x2c2e099bu, 0x585c1336u, 0xb0b8266cu, 0xba014a99u,
		0xaf739373u, 0x859620a7u, 0xd05d470fu, 0x7bcb885fu, 0xf79710beu, 0x345f273du,
		0x68be4e7au, 0xd17c9cf4u, 0x79883fa9u, 0xf3107f52u, 0x3d51f8e5u, 0x7aa3f1cau,
		0xf547e394u, 0x31fec169u },
};

API uint32_t nlut_wire_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xFFu] ^ (crc >> 8);
	return ~crc;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

API size_t nlut_wire_encode(uint8_t type, uint16_t seq, const void *payload, uint32_t len,
			uint8_t *out)
{
	out[0] = NLUT_WIRE_SYNC0;
	out[1] = NLUT_WIRE_SYNC1;
	out[2] = type;
	out[3] = 0;
	put16(out + 4, seq);
	put16(out + 6, 0);
	put32(out + 8, len);
	if (len)
		memcpy(out + NLUT_WIRE_HEADER, payload, len);
	put32(out + NLUT_WIRE_HEADER + len, nlut_wire_crc32(0, out, NLUT_WIRE_HEADER + len));
	return NLUT_WIRE_OVERHEAD + len;
}

/* One byte through the CRC register (no pre/post inversion). */
static inline uint32_t crc_step(uint32_t reg, uint8_t b)
{
	return crc_table[(reg ^ b) & 0xFFu] ^ (reg >> 8);
}

/* Matrix (32 columns) times vector over GF(2). */
static uint32_t gf2_apply(const uint32_t *m, uint32_t v)
{
	uint32_t r = 0;

	for (unsigned k = 0; v; k++, v >>= 1)
		if (v & 1u)
			r ^= m[k];
	return r;
}

API void nlut_wire_parser_init(struct nlut_wire_parser *p, uint8_t *buf, size_t cap,
			   void (*on_frame)(void *, const struct nlut_wire_frame *),
			   void (*on_error)(void *, enum nlut_wire_errcode, uint16_t), void *user)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	/* One whole frame is all the parser ever holds. */
	p->cap = cap < NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD ?
		 cap : NLUT_WIRE_OVERHEAD + NLUT_WIRE_MAX_PAYLOAD;
	p->on_frame = on_frame;
	p->on_error = on_error;
	p->user = user;
}

static inline uint8_t byte_at(const struct nlut_wire_parser *p, size_t k)
{
	size_t i = p->head + k;

	return p->buf[i < p->cap ? i : i - p->cap];
}

static uint32_t get32_at(const struct nlut_wire_parser *p, size_t k)
{
	return (uint32_t)byte_at(p, k) | (uint32_t)byte_at(p, k + 1) << 8 |
	       (uint32_t)byte_at(p, k + 2) << 16 | (uint32_t)byte_at(p, k + 3) << 24;
}

/* The CRC register over the stream up to held byte k (k <= fill): from the
 * nearest state kept, at most one stride of bytes away. */
static uint32_t reg_at(const struct nlut_wire_parser *p, size_t k)
{
	uint64_t pos = p->at + k, c = pos - pos % NLUT_WIRE_CP_STRIDE;
	uint32_t reg;
	size_t from;

	if (c >= p->at) {
		reg = p->cp[(c / NLUT_WIRE_CP_STRIDE) % NLUT_WIRE_CP_COUNT];
		from = (size_t)(c - p->at);
	} else {
		reg = p->crc_head;
		from = 0;
	}
	for (; from < k; from++)
		reg = crc_step(reg, byte_at(p, from));
	return reg;
}

/* CRC-32 of held bytes [0, n): the register over the stream after them is
 * shift^n (register before) + (the bytes from a zero register), so the
 * bytes' own CRC follows from the two kept registers in O(log n). */
static uint32_t crc_held(const struct nlut_wire_parser *p, size_t n)
{
	uint32_t v = p->crc_head ^ 0xFFFFFFFFu;
	size_t n0 = n;

	for (unsigned i = 0; n; i++, n >>= 1)
		if (n & 1u)
			v = gf2_apply(shift[i], v);
	return ~(reg_at(p, (size_t)n0) ^ v);
}

/* Drop k held bytes from the front. */
static void drop(struct nlut_wire_parser *p, size_t k)
{
	p->crc_head = reg_at(p, k);
	p->head += k;
	if (p->head >= p->cap)
		p->head -= p->cap;
	p->at += k;
	p->fill -= k;
}

/* Discard the first byte and every following one up to a possible sync. */
static void resync(struct nlut_wire_parser *p)
{
	size_t k = 1;

	while (k < p->fill && byte_at(p, k) != NLUT_WIRE_SYNC0)
		k++;
	p->dropped_bytes += k;
	drop(p, k);
}

static void reverse(uint8_t *a, size_t n)
{
	for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
		uint8_t t = a[i];

		a[i] = a[j - 1];
		a[j - 1] = t;
	}
}

/* Make the held bytes start at buf[0] (a good frame that wraps around the
 * ring's end): rare, as it takes a whole ring of bytes to wrap again. */
static void unwrap(struct nlut_wire_parser *p)
{
	reverse(p->buf, p->head);
	reverse(p->buf + p->head, p->cap - p->head);
	reverse(p->buf, p->cap);
	p->head = 0;
}

/* Consume every complete frame at the front of the held bytes. */
static void parse(struct nlut_wire_parser *p)
{
	for (;;) {
		if (!p->fill)
			return;
		if (byte_at(p, 0) != NLUT_WIRE_SYNC0 ||
		    (p->fill >= 2 && byte_at(p, 1) != NLUT_WIRE_SYNC1)) {
			resync(p);
			continue;
		}
		if (p->fill < NLUT_WIRE_HEADER)
			return;
		uint32_t len = get32_at(p, 8);
		uint16_t seq = (uint16_t)(byte_at(p, 4) | byte_at(p, 5) << 8);

		if (len > NLUT_WIRE_MAX_PAYLOAD || NLUT_WIRE_OVERHEAD + (size_t)len > p->cap) {
			p->bad_frames++;
			if (p->on_error)
				p->on_error(p->user, NLUT_WIRE_ERR_LENGTH, seq);
			resync(p);
			continue;
		}
		if (p->fill < NLUT_WIRE_OVERHEAD + len)
			return;
		if (get32_at(p, NLUT_WIRE_HEADER + len) != crc_held(p, NLUT_WIRE_HEADER + len)) {
			p->bad_frames++;
			if (p->on_error)
				p->on_error(p->user, NLUT_WIRE_ERR_CRC, seq);
			resync(p);
			continue;
		}
		if (p->head + NLUT_WIRE_HEADER + len > p->cap)
			unwrap(p);
		struct nlut_wire_frame f = { p->buf[p->head + 2], seq, len,
					     p->buf + p->head + NLUT_WIRE_HEADER };

		if (p->on_frame)
			p->on_frame(p->user, &f);
		drop(p, NLUT_WIRE_OVERHEAD + len);
	}
}

/* Run the stream's CRC register over n new bytes, keeping its value at
 * every multiple of the stride. */
static void track(struct nlut_wire_parser *p, const uint8_t *d, size_t n)
{
	uint64_t pos = p->at + p->fill;
	uint32_t reg = p->crc_end;

	while (n) {
		size_t run = NLUT_WIRE_CP_STRIDE - (size_t)(pos % NLUT_WIRE_CP_STRIDE);

		if (run > n)
			run = n;
		for (size_t i = 0; i < run; i++)
			reg = crc_step(reg, d[i]);
		d += run;
		n -= run;
		pos += run;
		if (pos % NLUT_WIRE_CP_STRIDE == 0)
			p->cp[(pos / NLUT_WIRE_CP_STRIDE) % NLUT_WIRE_CP_COUNT] = reg;
	}
	p->crc_end = reg;
}

API void nlut_wire_feed(struct nlut_wire_parser *p, const uint8_t *data, size_t n)
{
	while (n) {
		size_t k = p->cap - p->fill < n ? p->cap - p->fill : n;
		size_t tail = p->head + p->fill, first;

		if (tail >= p->cap)
			tail -= p->cap;
		first = p->cap - tail < k ? p->cap - tail : k;
		memcpy(p->buf + tail, data, first);
		memcpy(p->buf, data + first, k - first);
		track(p, data, k);
		p->fill += k;
		data += k;
		n -= k;
		parse(p);
	}
}
