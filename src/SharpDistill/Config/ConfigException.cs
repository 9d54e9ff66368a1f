namespace SharpDistill.Config;

/// <summary>A configuration error: an unknown key, a value of the wrong type, an unreadable file.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message, Exception? inner = null) : base(message, inner) { }
}
