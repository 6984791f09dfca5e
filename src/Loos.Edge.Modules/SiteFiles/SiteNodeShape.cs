namespace Loos.Edge.Modules.SiteFiles;

/// <summary>What a site file holds at a key.</summary>
public enum SiteNodeShape
{
    /// <summary>The file does not name the key.</summary>
    Missing,

    /// <summary>An empty value (nothing, <c>~</c> or <c>null</c>): none, whatever the key expects.</summary>
    Empty,

    /// <summary>A single value such as a number, a word or a path.</summary>
    Value,

    /// <summary>A list (<c>- item</c> or <c>[a, b]</c>).</summary>
    List,

    /// <summary>A mapping of keys (<c>key: value</c> or <c>{key: value}</c>).</summary>
    Mapping,
}
