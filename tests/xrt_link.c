/* xrt_link.c - proves the XRT entry points the xrt transport loads at run
 * time exist under those names and types in Debian's libxrt_coreutil: this
 * program links against it directly. */
#include <stdio.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

int main(void)
{
	void *syms[] = {
		(void *)&xrtDeviceOpen, (void *)&xrtDeviceClose, (void *)&xrtDeviceLoadXclbinFile,
		(void *)&xrtDeviceGetXclbinUUID, (void *)&xrtPLKernelOpenExclusive,
		(void *)&xrtKernelClose, (void *)&xrtKernelReadRegister,
		(void *)&xrtKernelWriteRegister, (void *)&xrtKernelArgGroupId, (void *)&xrtBOAlloc,
		(void *)&xrtBOFree, (void *)&xrtBOMap, (void *)&xrtBOSync, (void *)&xrtKernelRun,
		(void *)&xrtRunWaitFor, (void *)&xrtRunClose,
	};
	size_t n = sizeof(syms) / sizeof(syms[0]), ok = 0;

	for (size_t i = 0; i < n; i++)
		ok += syms[i] != NULL;
	printf("%zu of %zu XRT entry points linked\n", ok, n);
	return ok == n ? 0 : 1;
}
