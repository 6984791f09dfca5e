namespace Loos.Edge.Core;

/// <summary>The compact id a <see cref="SeriesKey"/> is interned to; valid within one process.</summary>
public readonly record struct SeriesId(int Value)
{
    public override string ToString() => $"#{Value}";
}
