// Entry point of the demo page.
import './styles.css';
import { DemoApp } from './ui/app.js';

const root = document.getElementById('app');
if (!root) throw new Error('index.html lacks #app');
const app = new DemoApp(root);
void app.start();
