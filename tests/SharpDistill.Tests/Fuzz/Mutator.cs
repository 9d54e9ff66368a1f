using System.Buffers.Binary;

namespace SharpDistill.Tests.Fuzz;

/// <summary>
/// Seeded mutations of valid inputs, the kinds that break binary readers: bit flips, "interesting"
/// bytes, inserted and deleted runs, truncation, length fields overwritten with extreme values,
/// duplicated chunks and splices of two inputs. The same seed gives the same mutants, so a failure
/// reproduces from the numbers in its message.
/// </summary>
internal sealed class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x0a, (byte)'(', (byte)')', (byte)'.', (byte)'['];
    private static readonly long[] InterestingNumbers = [0, 1, -1, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff, 0x10000, 1L << 40, long.MaxValue];

    private readonly Random random;
    private readonly IReadOnlyList<byte[]> seeds;

    public Mutator(int seed, IReadOnlyList<byte[]> seeds)
    {
        random = new Random(seed);
        this.seeds = seeds;
    }

    /// <summary>One mutant: a seed input with one to four mutations applied.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(seeds[random.Next(seeds.Count)]);
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++) Mutate(data);
        return data.ToArray();
    }

    private void Mutate(List<byte> data)
    {
        if (data.Count == 0)
        {
            data.Add(InterestingBytes[random.Next(InterestingBytes.Length)]);
            return;
        }
        var at = random.Next(data.Count);
        switch (random.Next(8))
        {
            case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
            case 1: data[at] = InterestingBytes[random.Next(InterestingBytes.Length)]; break;
            case 2:
                var inserted = new byte[1 + random.Next(16)];
                random.NextBytes(inserted);
                data.InsertRange(at, inserted);
                break;
            case 3: data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(32))); break;
            case 4: data.RemoveRange(at, data.Count - at); break; // truncate
            case 5: WriteNumber(data, at); break;
            case 6:
                var length = Math.Min(data.Count - at, 1 + random.Next(64));
                data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                break;
            default:
                var other = seeds[random.Next(seeds.Count)];
                var from = random.Next(other.Length + 1);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
        }
    }

    /// <summary>An extreme value over 2, 4 or 8 bytes, either byte order: where a length or size field sits.</summary>
    private void WriteNumber(List<byte> data, int at)
    {
        var width = new[] { 2, 4, 8 }[random.Next(3)];
        var bytes = new byte[8];
        var value = InterestingNumbers[random.Next(InterestingNumbers.Length)];
        var field = new byte[width];
        if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            bytes.AsSpan(0, width).CopyTo(field);
        }
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            bytes.AsSpan(8 - width).CopyTo(field);
        }
        for (var i = 0; i < width && at + i < data.Count; i++) data[at + i] = field[i];
    }
}
