using SharpDistill.Benchmarks;

namespace SharpDistill.Tests.Benchmarks;

public class CpuFeaturesTests
{
    private const string Zen5 = """
        processor	: 0
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC 9B45
        flags		: fpu vme de pse avx2 avx512f avx512dq avx512_bf16 avx512_vnni clzero
        bugs		: sysret_ss_attrs

        processor	: 1
        flags		: fpu vme de pse avx2 avx512f avx512dq avx512_bf16 avx512_vnni clzero
        """;

    private const string SapphireRapids = "processor\t: 0\nflags\t\t: fpu avx512f amx_bf16 amx_tile amx_int8 avx512_bf16\n";

    private const string Avx2Only = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse sse2 avx avx2 fma f16c\n";

    [Fact]
    public void AvxBf16IsNativeSupport()
    {
        var cpu = CpuFeatures.Parse(Zen5);
        Assert.True(cpu.Known);
        Assert.True(cpu.NativeBf16);
        Assert.Equal(["avx512_bf16"], cpu.Bf16Flags);
        Assert.Contains("native bf16 (avx512_bf16)", cpu.Describe());
    }

    [Fact]
    public void AmxBf16IsFoundToo()
    {
        var cpu = CpuFeatures.Parse(SapphireRapids);
        Assert.True(cpu.NativeBf16);
        Assert.Equal(["avx512_bf16", "amx_bf16"], cpu.Bf16Flags);
    }

    [Fact]
    public void ACpuWithoutTheFlagsIsSaidToLackIt()
    {
        var cpu = CpuFeatures.Parse(Avx2Only);
        Assert.True(cpu.Known);
        Assert.False(cpu.NativeBf16);
        Assert.Contains("NO native bf16", cpu.Describe());
        Assert.Contains("still run", cpu.Describe());
    }

    [Theory]
    [InlineData("flags\t\t: fpu avx512_bf16x avx512f\n")] // a longer flag is not the flag
    [InlineData("flags\t\t: fpu xavx512_bf16\n")]
    [InlineData("bugs\t\t: avx512_bf16\nflags\t\t: fpu avx2\n")] // only the flags line counts
    public void OnlyTheWholeFlagOnTheFlagsLineCounts(string text) => Assert.False(CpuFeatures.Parse(text).NativeBf16);

    [Fact]
    public void TextWithoutAFlagsLineIsUnknown()
    {
        var cpu = CpuFeatures.Parse("processor\t: 0\nCPU implementer\t: 0x41\n");
        Assert.False(cpu.Known);
        Assert.False(cpu.NativeBf16);
        Assert.Contains("unknown", cpu.Describe());
    }

    [Fact]
    public void ThisMachineIsReadFromProcCpuinfo()
    {
        var expected = File.Exists("/proc/cpuinfo") ? CpuFeatures.Parse(File.ReadAllText("/proc/cpuinfo")) : new CpuFeatures([], false);
        var current = CpuFeatures.Current();
        Assert.Equal(expected.Known, current.Known);
        Assert.Equal(expected.Bf16Flags, current.Bf16Flags);
    }
}
