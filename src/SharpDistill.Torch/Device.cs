namespace SharpDistill.Torch;

public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>A device: "cpu", "cuda" or "cuda:N".</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);
    public static readonly Device Cuda = new(DeviceType.Cuda);

    public static Device Parse(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        if (trimmed == "cpu") return Cpu;
        if (trimmed == "cuda") return Cuda;
        if (trimmed.StartsWith("cuda:") && int.TryParse(trimmed[5..], out var index) && index >= 0)
            return new Device(DeviceType.Cuda, index);
        throw new ArgumentException($"unknown device '{text}': expected cpu, cuda or cuda:N");
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : Index >= 0 ? $"cuda:{Index}" : "cuda";
}
