using Xunit;
using SharpDistill.Torch;

namespace SharpDistill.TestSupport;

/// <summary>What this machine has that some tests need.</summary>
public static class Environments
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the dataset.</summary>
    public const string FashionMnistRoot = "/usr/share/datasets/fashion-mnist";

    public static bool FashionMnistInstalled => File.Exists(Path.Combine(FashionMnistRoot, "train-images-idx3-ubyte.gz"));
}

/// <summary>A test that needs a CUDA device; reported as skipped where libtorch sees none (the CPU-only CI).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!TorchRuntime.CudaIsAvailable) Skip = "needs a CUDA device: libtorch sees none";
    }
}

/// <summary>A test of c10d's NCCL process group; skipped unless the shim has NCCL and libtorch sees a CUDA device.</summary>
public sealed class NcclFactAttribute : FactAttribute
{
    public NcclFactAttribute()
    {
        if (!ProcessGroup.IsAvailable(DistributedBackend.Nccl)) Skip = "needs the shim built against a CUDA libtorch with NCCL; this one has none";
        else if (!TorchRuntime.CudaIsAvailable) Skip = "needs a CUDA device: libtorch sees none";
    }
}

/// <summary>A test of how a shim without NCCL refuses it; skipped where the shim has NCCL.</summary>
public sealed class NoNcclFactAttribute : FactAttribute
{
    public NoNcclFactAttribute()
    {
        if (ProcessGroup.IsAvailable(DistributedBackend.Nccl)) Skip = "checks a shim without NCCL, but this one has it";
    }
}

/// <summary>A test of the behaviour of a CPU-only libtorch; reported as skipped where CUDA is present.</summary>
public sealed class CpuOnlyFactAttribute : FactAttribute
{
    public CpuOnlyFactAttribute()
    {
        if (TorchRuntime.CudaIsAvailable) Skip = "checks a CPU-only libtorch, but this one sees a CUDA device";
    }
}

/// <summary>A test that trains on Fashion-MNIST; reported as skipped where the dataset is not installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!Environments.FashionMnistInstalled) Skip = SkipReason;
    }

    internal static string SkipReason =>
        $"needs Fashion-MNIST in {Environments.FashionMnistRoot} (Debian package dataset-fashion-mnist; ./test.sh installs it)";
}

/// <summary>A theory that reads the installed Fashion-MNIST; reported as skipped where it is not installed.</summary>
public sealed class FashionMnistTheoryAttribute : TheoryAttribute
{
    public FashionMnistTheoryAttribute()
    {
        if (!Environments.FashionMnistInstalled) Skip = FashionMnistFactAttribute.SkipReason;
    }
}
