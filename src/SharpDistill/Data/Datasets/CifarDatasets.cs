namespace SharpDistill.Data;

/// <summary>
/// CIFAR-10 and CIFAR-100 (32×32 RGB) from either official format, found under a root folder:
/// the binary version (cifar-10-batches-bin, cifar-100-binary) or the python version
/// (cifar-10-batches-py, cifar-100-python). Both hold the same images in the same order.
/// </summary>
public static class CifarDatasets
{
    /// <summary>
    /// CIFAR-10's train (50,000) or test (10,000) split. <paramref name="root"/> is the folder that
    /// contains cifar-10-batches-bin or cifar-10-batches-py, or one of those folders itself.
    /// </summary>
    public static PackedImageDataset Cifar10(bool train, string root)
    {
        var splitFiles = train ? "data_batch_1 … data_batch_5" : "test_batch";
        if (Locate(root, "cifar-10-batches-bin", train ? "data_batch_1.bin" : "test_batch.bin") is { } binary)
            return CifarBinary.ReadCifar10(binary, train);
        if (Locate(root, "cifar-10-batches-py", train ? "data_batch_1" : "test_batch") is { } python)
            return CifarPython.ReadCifar10(python, train);
        throw new DatasetNotFoundException(
            $"CIFAR-10 not found under {Path.GetFullPath(root)}: put the official binary version there as " +
            $"cifar-10-batches-bin/ ({splitFiles} with .bin, batches.meta.txt) or the python version as " +
            $"cifar-10-batches-py/ ({splitFiles}, batches.meta), extracted from the CIFAR-10 release archives");
    }

    /// <summary>
    /// CIFAR-100's train (50,000) or test (10,000) split with the 100 fine labels, or the 20 coarse
    /// ones. <paramref name="root"/> contains cifar-100-binary or cifar-100-python, or is one of them.
    /// </summary>
    public static PackedImageDataset Cifar100(bool train, string root, bool coarseLabels = false)
    {
        var split = train ? "train" : "test";
        if (Locate(root, "cifar-100-binary", split + ".bin") is { } binary)
            return CifarBinary.ReadCifar100(binary, train, coarseLabels);
        if (Locate(root, "cifar-100-python", split) is { } python)
            return CifarPython.ReadCifar100(python, train, coarseLabels);
        throw new DatasetNotFoundException(
            $"CIFAR-100 not found under {Path.GetFullPath(root)}: put the official binary version there as " +
            $"cifar-100-binary/{split}.bin (with fine_label_names.txt) or the python version as cifar-100-python/{split} " +
            "(with meta), extracted from the CIFAR-100 release archives");
    }

    /// <summary>The folder holding <paramref name="probe"/>: root/folderName, or root itself.</summary>
    private static string? Locate(string root, string folderName, string probe)
    {
        foreach (var folder in new[] { Path.Combine(root, folderName), root })
            if (File.Exists(Path.Combine(folder, probe))) return folder;
        return null;
    }
}
