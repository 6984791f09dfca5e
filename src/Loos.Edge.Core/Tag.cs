namespace Loos.Edge.Core;

/// <summary>One InfluxDB tag: a key and its value, both non-empty.</summary>
public readonly record struct Tag(string Key, string Value);
