export default function ViewerPage() { return <div className="page">Viewer</div>; }
