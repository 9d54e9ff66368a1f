namespace SharpDistill.Data;

/// <summary>
/// The official CIFAR "binary version": records back to back, each label byte(s) then 3072 pixel
/// bytes in planar RGB. CIFAR-10 (cifar-10-batches-bin) has one label byte; CIFAR-100
/// (cifar-100-binary) has a coarse then a fine label byte.
/// </summary>
internal static class CifarBinary
{
    public static PackedImageDataset ReadCifar10(string folder, bool train)
    {
        var files = train
            ? Enumerable.Range(1, 5).Select(i => Path.Combine(folder, $"data_batch_{i}.bin")).ToArray()
            : [Path.Combine(folder, "test_batch.bin")];
        var names = CifarLayout.ReadNameFile(Path.Combine(folder, "batches.meta.txt"), 10) ?? CifarLayout.Cifar10ClassNames;
        var (pixels, labels) = ReadRecords(files, labelBytes: 1, labelIndex: 0, classCounts: [10]);
        return new PackedImageDataset($"cifar10/{(train ? "train" : "test")}", CifarLayout.Geometry, pixels, labels, names);
    }

    public static PackedImageDataset ReadCifar100(string folder, bool train, bool coarse)
    {
        var file = Path.Combine(folder, train ? "train.bin" : "test.bin");
        var classes = coarse ? 20 : 100;
        var names = CifarLayout.ReadNameFile(Path.Combine(folder, coarse ? "coarse_label_names.txt" : "fine_label_names.txt"), classes)
                    ?? DatasetChecks.NumberedClassNames(classes);
        var (pixels, labels) = ReadRecords([file], labelBytes: 2, labelIndex: coarse ? 0 : 1, classCounts: [20, 100]);
        return new PackedImageDataset($"cifar100{(coarse ? "-coarse" : "")}/{(train ? "train" : "test")}",
            CifarLayout.Geometry, pixels, labels, names);
    }

    /// <summary>Reads every record of every file; each label byte k is checked against classCounts[k].</summary>
    private static (byte[] Pixels, int[] Labels) ReadRecords(string[] files, int labelBytes, int labelIndex, int[] classCounts)
    {
        var recordSize = labelBytes + CifarLayout.PixelBytes;
        var contents = new List<(string Path, byte[] Bytes)>();
        foreach (var path in files)
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (IOException e) { throw new DatasetException($"cannot read: {e.Message}", path, inner: e); }
            if (bytes.Length == 0) throw new DatasetException("the file is empty", path);
            if (bytes.Length % recordSize != 0)
                throw new DatasetException(
                    $"truncated or not a CIFAR binary file: {bytes.Length} bytes is not a whole number of {recordSize}-byte records " +
                    $"(record {bytes.Length / recordSize} is incomplete)", path, bytes.Length / recordSize);
            contents.Add((path, bytes));
        }

        var total = contents.Sum(c => c.Bytes.Length / recordSize);
        var pixels = new byte[(long)total * CifarLayout.PixelBytes];
        var labels = new int[total];
        var n = 0;
        foreach (var (path, bytes) in contents)
        {
            for (var r = 0; r < bytes.Length / recordSize; r++, n++)
            {
                var record = bytes.AsSpan(r * recordSize, recordSize);
                for (var k = 0; k < labelBytes; k++)
                    if (record[k] >= classCounts[k])
                        throw new DatasetException(
                            $"{(labelBytes == 2 ? (k == 0 ? "coarse " : "fine ") : "")}label {record[k]} is outside [0, {classCounts[k]})", path, r);
                labels[n] = record[labelIndex];
                CifarLayout.PlanarToHwc(record[labelBytes..], pixels.AsSpan(n * CifarLayout.PixelBytes, CifarLayout.PixelBytes));
            }
        }
        return (pixels, labels);
    }
}
