namespace GuruConnect.Server;

/// <summary>One page of a list: <c>{items,total,page,pageSize}</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total, int PageNumber, int PageSize)
{
    [System.Text.Json.Serialization.JsonPropertyName("page")]
    public int PageNumber { get; init; } = PageNumber;
}
