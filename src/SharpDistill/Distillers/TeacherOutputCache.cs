using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// The frozen teacher's logits and pooled feature, remembered by the exact bytes of the batch it was
/// given, so that runs which feed the same teacher the same batches compute them once. A study is the case it is made for:
/// one seed gives the baseline and every method the same data order and the same augmentation draws
/// (docs/training.md, "Reproducibility"), so KD, DKD, DIST, CMKD and CRLD's weak view show the teacher
/// identical batches (DCD too, which also reads the pooled feature), and recomputing its forward for
/// each of them is pure waste.
/// </summary>
/// <remarks>
/// Exact by construction: an entry is found only for an input with the same dtype, shape and bytes
/// (SHA-256 over all three), and the frozen teacher in eval mode maps equal inputs to equal outputs
/// on the same machine and thread count, so a hit returns the bits a recomputation would. One cache
/// serves one teacher (its owner creates one per teacher checkpoint). Only CPU inputs are cached
/// (hashing a device tensor would copy it back every step). The memory it may hold is bounded; once
/// full it stops adding and later misses are simply computed.
/// </remarks>
public sealed class TeacherOutputCache : IDisposable
{
    /// <summary>Default bound: ample for a study on a subset (10k images × 3 epochs of 10 logits and a 64-wide feature is ~9 MiB).</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    private readonly Dictionary<Hash, (Tensor Logits, Tensor Pooled)> entries = new();
    private readonly object gate = new();
    private long heldBytes;

    public TeacherOutputCache(long capacityBytes = DefaultCapacityBytes)
    {
        if (capacityBytes < 0) throw new ArgumentOutOfRangeException(nameof(capacityBytes), capacityBytes, "the cache capacity must not be negative");
        CapacityBytes = capacityBytes;
    }

    public long CapacityBytes { get; }
    public long Hits { get; private set; }
    public long Misses { get; private set; }
    public int Count { get { lock (gate) return entries.Count; } }

    /// <summary>
    /// The teacher's logits and pooled feature for <paramref name="input"/>: copies of the remembered
    /// ones when this exact input was seen, otherwise <paramref name="forward"/>'s, remembered while
    /// there is room. The returned tensors belong to the caller's scope.
    /// </summary>
    public (Tensor Logits, Tensor Pooled) GetOrCompute(Tensor input, Func<Tensor, ModelOutput> forward)
    {
        if (input.Device.Type != DeviceType.Cpu) return Compute(input, forward);
        var key = HashOf(input);
        lock (gate)
        {
            if (entries.TryGetValue(key, out var known))
            {
                Hits++;
                return (known.Logits.Clone(), known.Pooled.Clone());
            }
            Misses++;
        }
        var (logits, pooled) = Compute(input, forward);
        var bytes = logits.NumEl * logits.DType.ElementSize() + pooled.NumEl * pooled.DType.ElementSize();
        lock (gate)
        {
            if (heldBytes + bytes <= CapacityBytes && !entries.ContainsKey(key))
            {
                entries[key] = (logits.Clone().DetachFromScope(), pooled.Clone().DetachFromScope());
                heldBytes += bytes;
            }
        }
        return (logits, pooled);
    }

    private static (Tensor Logits, Tensor Pooled) Compute(Tensor input, Func<Tensor, ModelOutput> forward)
    {
        using var output = forward(input);
        return (output.Logits.Alias(), output.PooledFeat.Alias());
    }

    /// <summary>"412 of 620 teacher batches reused (66 %)": what a study prints at its end.</summary>
    public string Summary()
    {
        var total = Hits + Misses;
        return total == 0
            ? "the teacher output cache was not used"
            : $"{Hits} of {total} teacher batches reused from the teacher output cache ({100.0 * Hits / total:0} %)";
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var (logits, pooled) in entries.Values)
            {
                logits.Dispose();
                pooled.Dispose();
            }
            entries.Clear();
            heldBytes = 0;
        }
    }

    private static Hash HashOf(Tensor input)
    {
        using var contiguous = input.Contiguous();
        var data = new byte[contiguous.NumEl * contiguous.DType.ElementSize()];
        contiguous.CopyRawTo(data);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(BitConverter.GetBytes((int)input.DType));
        sha.AppendData(MemoryMarshal.AsBytes(input.Shape.AsSpan()));
        sha.AppendData(data);
        var digest = sha.GetHashAndReset();
        return new Hash(BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8),
            BitConverter.ToUInt64(digest, 16), BitConverter.ToUInt64(digest, 24));
    }

    private readonly record struct Hash(ulong A, ulong B, ulong C, ulong D);
}
