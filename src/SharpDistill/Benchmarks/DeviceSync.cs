using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>
/// Makes a timer stop only after the device finished the work queued so far. CPU kernels run
/// synchronously, so there is nothing to wait for; CUDA kernels are queued on one in-order stream,
/// and reading one element back to the host waits until every earlier kernel on it has finished.
/// </summary>
public static class DeviceSync
{
    public static void Wait(Tensor anyResultOnDevice)
    {
        if (anyResultOnDevice.Device.Type == DeviceType.Cpu) return;
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        _ = anyResultOnDevice.Detach().Reshape(-1).Select(0, 0).ToDouble();
    }
}
