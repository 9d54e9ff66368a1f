namespace SharpDistill.Data;

/// <summary>
/// ImageNet-1K in the usual prepared layout: root/train/&lt;wnid&gt;/*.JPEG and root/val/&lt;wnid&gt;/*.JPEG
/// (the validation images sorted into class folders), labelled like torchvision's ImageFolder.
/// Images have varying sizes; the transforms crop and resize them.
/// </summary>
public static class ImageNet
{
    public const int NumClasses = 1000;

    public static ImageFolderDataset Load(bool train, string root)
    {
        var split = Path.Combine(root, train ? "train" : "val");
        if (!Directory.Exists(split))
            throw new DatasetNotFoundException(
                $"ImageNet not found: {Path.GetFullPath(split)} does not exist. Put the ILSVRC-2012 images there as " +
                $"{(train ? "train" : "val")}/<wnid>/*.JPEG, one folder per class" +
                (train ? "" : " (the validation images sorted into their class folders)"));
        var dataset = new ImageFolderDataset(split, $"imagenet/{(train ? "train" : "val")}");
        if (dataset.NumClasses != NumClasses)
            throw new DatasetException(
                $"has {dataset.NumClasses} class folders, ImageNet-1K has {NumClasses} (for a subset use an image-folder dataset)", split);
        return dataset;
    }
}
