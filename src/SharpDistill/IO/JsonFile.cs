using System.Text.Json;

namespace SharpDistill.IO;

/// <summary>Opens a JSON file with errors that name the file and what it was supposed to be.</summary>
public static class JsonFile
{
    /// <param name="what">What the file is, for messages (e.g. "loss reference vectors").</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON.</exception>
    public static JsonDocument Parse(string path, string what)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} not found: {path}", path);
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what} {path} are not valid JSON: {e.Message}", e);
        }
    }
}
