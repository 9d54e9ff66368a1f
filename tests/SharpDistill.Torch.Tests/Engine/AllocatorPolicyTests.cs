namespace SharpDistill.Torch.Tests.Engine;

public class AllocatorPolicyTests
{
    private static AllocatorPolicy Choose(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return AllocatorPolicy.FromEnvironment(name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void TunesGlibcByDefault()
    {
        var policy = Choose();
        Assert.Equal(AllocatorPolicy.Tuned, policy.Name);
        Assert.True(policy.Configures);
        Assert.Equal(1L << 30, policy.MmapThreshold);
        Assert.Equal(1L << 30, policy.TrimThreshold);
        Assert.Equal(512L << 20, policy.TopPad);
    }

    [Theory]
    [InlineData("system")]
    [InlineData("SYSTEM")]
    public void SystemLeavesGlibcAlone(string value)
    {
        var policy = Choose((AllocatorPolicy.Variable, value));
        Assert.Equal(AllocatorPolicy.System, policy.Name);
        Assert.False(policy.Configures);
    }

    [Theory]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "4000000000")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0")]
    [InlineData("MALLOC_TOP_PAD_", "1")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")]
    [InlineData("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4")]
    [InlineData("LD_PRELOAD", "libjemalloc.so.2")]
    public void TheUsersOwnMallocSettingsWin(string variable, string value)
    {
        var policy = Choose((variable, value));
        Assert.False(policy.Configures);
        Assert.Contains(variable == "LD_PRELOAD" ? "preloaded" : variable, policy.Reason);
    }

    [Fact]
    public void UnrelatedTunablesAndPreloadsKeepTheDefault()
    {
        var policy = Choose(("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX2"), ("LD_PRELOAD", "libfakeroot.so"));
        Assert.True(policy.Configures);
    }

    [Fact]
    public void AnUnknownPolicyIsOneErrorNamingTheVariableAndTheChoices()
    {
        var e = Assert.Throws<TorchException>(() => Choose((AllocatorPolicy.Variable, "jemalloc")));
        Assert.Contains(AllocatorPolicy.Variable, e.Message);
        Assert.Contains("'tuned' or 'system'", e.Message);
        Assert.Contains("jemalloc", e.Message);
    }

    [Fact]
    public void TheLoadedEngineReportsItsPolicy()
    {
        var expected = AllocatorPolicy.FromEnvironment(Environment.GetEnvironmentVariable);
        Assert.Equal(expected.Name, TorchRuntime.Allocator.Name);
        Assert.Contains(expected.Name, TorchRuntime.Allocator.ToString());
    }
}
