namespace Loos.Edge.SunSpec.Tests;

/// <summary>Builds the registers of one model from its definition: every point set by name, the rest 0.</summary>
internal sealed class ModelImage
{
    private readonly SunSpecModelDefinition definition;

    public ModelImage(int id, int? length = null)
    {
        definition = SunSpecModels.All[id];
        Registers = new ushort[2 + (length ?? definition.FixedLength - 2)];
        Registers[0] = (ushort)id;
        Registers[1] = (ushort)(Registers.Length - 2);
    }

    public ushort[] Registers { get; }

    public ModelImage Set(string point, params ushort[] words)
    {
        var offset = definition.Group.Points.Single(candidate => candidate.Name == point).Offset;
        words.CopyTo(Registers, offset);
        return this;
    }

    public ModelImage SetText(string point, string text)
    {
        var definitionPoint = definition.Group.Points.Single(candidate => candidate.Name == point);
        var bytes = new byte[definitionPoint.Size * 2];
        System.Text.Encoding.ASCII.GetBytes(text).CopyTo(bytes, 0);
        for (var index = 0; index < definitionPoint.Size; index++)
        {
            Registers[definitionPoint.Offset + index] = (ushort)((bytes[2 * index] << 8) | bytes[(2 * index) + 1]);
        }

        return this;
    }

    /// <summary>A whole SunSpec map at <paramref name="baseAddress"/>: marker, these models, end model.</summary>
    public static ushort[] Map(params ModelImage[] models) =>
        [0x5375, 0x6E53, .. models.SelectMany(model => model.Registers), 0xFFFF, 0];
}
