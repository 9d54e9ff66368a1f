using SharpDistill.Torch;

Console.WriteLine($"SharpDistill on libtorch {TorchRuntime.LibTorchVersion}");
